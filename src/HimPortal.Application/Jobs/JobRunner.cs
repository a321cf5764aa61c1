using System.Diagnostics;
using HimPortal.Application.Audit;
using HimPortal.Data.Bulk;
using HimPortal.Data.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HimPortal.Application.Jobs;

/// <summary>
/// Runs queued jobs on this node (docs/adr/0014): <see cref="JobsOptions.Workers"/> loops each claim the oldest due job
/// with FOR UPDATE SKIP LOCKED (so each job runs on one node however many there are), run it in a scope that acts as
/// the job's user, and record the outcome. While a job runs, its node beats a heartbeat and reads whether someone asked
/// to cancel it; a job whose node fell silent is run again by another. An error is retried with exponential back-off
/// until the job's attempts are spent; a stop of this host puts its running jobs back in the queue, uncounted.
/// </summary>
public sealed partial class JobRunner(
    IServiceScopeFactory scopes,
    BulkConnections connections,
    JobSignal signal,
    IOptions<JobsOptions> options,
    ILogger<JobRunner> logger) : BackgroundService
{
    /// <summary>This node's name in jobs.jobs.running_on.</summary>
    public static readonly string Node = $"{Environment.MachineName}:{Environment.ProcessId}";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var loops = Enumerable.Range(0, settings.Workers).Select(_ => WorkLoopAsync(settings, stoppingToken)).ToList();
        loops.Add(RecoveryLoopAsync(settings, stoppingToken));
        await Task.WhenAll(loops);
    }

    private async Task WorkLoopAsync(JobsOptions settings, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                if (!await RunNextAsync(settings, stopping))
                {
                    await signal.WaitAsync(settings.PollInterval, stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                // The database went away: the claim or the bookkeeping failed. Wait and try again; jobs are not lost.
                LogLoopFailed(ex.GetType().Name);
                await Task.Delay(settings.PollInterval * 5, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Claims and runs one job; false when none was due.</summary>
    public async Task<bool> RunNextAsync(JobsOptions settings, CancellationToken stopping)
    {
        var claimed = await ClaimAsync(stopping);
        if (claimed is null)
        {
            return false;
        }

        await RunAsync(claimed, settings, stopping);
        return true;
    }

    private async Task<ClaimedJob?> ClaimAsync(CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var claim = new NpgsqlCommand("""
            UPDATE jobs.jobs j
            SET status = 'running', attempts = attempts + 1, started_at = now(), heartbeat_at = now(), running_on = $1
            WHERE j.id = (SELECT id FROM jobs.jobs WHERE status = 'queued' AND not_before <= now()
                          ORDER BY not_before, id FOR UPDATE SKIP LOCKED LIMIT 1)
            RETURNING j.id, j.kind, j.payload::text, j.attempts, j.max_attempts, j.requested_by_user_id, j.requested_by_name
            """, connection);
        claim.Parameters.Add(new NpgsqlParameter<string> { TypedValue = Node });
        await using var reader = await claim.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new ClaimedJob(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3), reader.GetInt32(4),
            reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.GetString(6));
    }

    private async Task RunAsync(ClaimedJob job, JobsOptions settings, CancellationToken stopping)
    {
        var started = Stopwatch.GetTimestamp();
        using var cancelled = new CancellationTokenSource();
        using var running = CancellationTokenSource.CreateLinkedTokenSource(stopping, cancelled.Token);
        using var heartbeatStop = new CancellationTokenSource();
        var context = new JobContext(job.Id, job.Kind, job.Attempt, job.Payload);
        var heartbeat = HeartbeatAsync(context, settings.HeartbeatInterval, cancelled, heartbeatStop.Token);
        string status;
        string? error = null;
        object? result = null;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<ActorScope>().RunAs(await ActorAsync(job, stopping));
            var workType = JobKinds.WorkFor(job.Kind);
            if (workType is null)
            {
                (status, error) = (JobStatus.Failed, $"This version of HimPortal has no job kind '{job.Kind}'.");
            }
            else
            {
                var work = (IJobWork)scope.ServiceProvider.GetRequiredService(workType);
                var outcome = await work.RunAsync(context, running.Token);
                result = context.Result;
                (status, error) = outcome == JobOutcome.Succeeded ? (JobStatus.Succeeded, null) : (JobStatus.Failed, context.FailureMessage ?? "The job failed.");
            }
        }
        catch (OperationCanceledException) when (cancelled.IsCancellationRequested)
        {
            status = JobStatus.Cancelled;
            error = "Cancelled at a person's request.";
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // This node is stopping: the job goes back to the queue for the next node (or this one after its restart).
            await heartbeatStop.CancelAsync();
            await heartbeat;
            await RequeueAsync(job.Id);
            LogRequeued(job.Id, job.Kind);
            return;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Type and message only: never a stack trace (or anything a message might quote) in the job's row or the log.
            status = job.Attempt < job.MaxAttempts ? JobStatus.Queued : JobStatus.Failed;
            error = $"{ex.GetType().Name}: {ex.Message}";
            LogAttemptFailed(job.Id, job.Kind, job.Attempt, job.MaxAttempts, ex.GetType().Name);
        }
        finally
        {
            await heartbeatStop.CancelAsync();
        }

        await heartbeat;
        var delay = status == JobStatus.Queued ? RetryDelay(settings, job.Attempt) : TimeSpan.Zero;
        await FinishAsync(job.Id, status, result, error, context.LatestProgress, delay, CancellationToken.None);
        LogFinished(job.Id, job.Kind, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>The person the job runs as, with their roles as they are now (a role removed since the request counts); or the scheduler.</summary>
    private async Task<AuditActor> ActorAsync(ClaimedJob job, CancellationToken ct)
    {
        var correlation = job.Id.ToString("N");
        if (job.RequestedByUserId is not { } userId)
        {
            return ActorScope.Scheduler(job.RequestedByName.StartsWith("system:", StringComparison.Ordinal) ? job.RequestedByName["system:".Length..] : job.Kind, correlation);
        }

        await using var connection = await connections.OpenAsync(ct);
        await using var read = new NpgsqlCommand("""
            SELECT u.email, coalesce(u.lockout_end > now(), false),
                   array(SELECT r.name FROM identity.user_roles ur JOIN identity.roles r ON r.id = ur.role_id WHERE ur.user_id = u.id ORDER BY r.name)
            FROM identity.users u WHERE u.id = $1
            """, connection);
        read.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = userId });
        await using var reader = await read.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return new AuditActor(userId, job.RequestedByName, [], "job", "himportal-jobs", correlation);
        }

        // A locked account runs nothing: with no roles every handler refuses it (and audits the refusal).
        var locked = reader.GetBoolean(1);
        var roles = locked ? [] : reader.GetFieldValue<string[]>(2);
        return new AuditActor(userId, reader.IsDBNull(0) ? job.RequestedByName : reader.GetString(0), roles, "job", "himportal-jobs", correlation);
    }

    /// <summary>Says the job is alive (with its latest progress), and reads whether someone asked to cancel it.</summary>
    private async Task HeartbeatAsync(JobContext job, TimeSpan interval, CancellationTokenSource cancel, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, stop);
                var progress = job.TakeProgress();
                await using var connection = await connections.OpenAsync(stop);
                await using var beat = new NpgsqlCommand("""
                    UPDATE jobs.jobs
                    SET heartbeat_at = now(),
                        progress_done = coalesce($2, progress_done), progress_total = CASE WHEN $2 IS NULL THEN progress_total ELSE $3 END,
                        progress_note = CASE WHEN $2 IS NULL THEN progress_note ELSE $4 END
                    WHERE id = $1 AND status = 'running'
                    RETURNING cancel_requested_at IS NOT NULL
                    """, connection);
                beat.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = job.Id });
                AddProgress(beat.Parameters, progress);
                if (await beat.ExecuteScalarAsync(stop) is true)
                {
                    await cancel.CancelAsync();
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException ex)
            {
                LogLoopFailed(ex.GetType().Name);
            }
        }
    }

    private static void AddProgress(NpgsqlParameterCollection parameters, JobProgress? progress)
    {
        parameters.Add(new NpgsqlParameter { Value = (object?)progress?.Done ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        parameters.Add(new NpgsqlParameter { Value = (object?)progress?.Total ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer });
        parameters.Add(new NpgsqlParameter { Value = progress?.Note is { } note ? Clip(note, 500) : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar });
    }

    private async Task FinishAsync(Guid id, string status, object? result, string? error, JobProgress? progress, TimeSpan retryIn, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var finish = new NpgsqlCommand("""
            UPDATE jobs.jobs
            SET status = $2, result = coalesce($3::jsonb, result), error = $4,
                progress_done = coalesce($6, progress_done), progress_total = CASE WHEN $6 IS NULL THEN progress_total ELSE $7 END,
                progress_note = CASE WHEN $6 IS NULL THEN progress_note ELSE $8 END,
                finished_at = CASE WHEN $2 = 'queued' THEN NULL ELSE now() END,
                not_before = CASE WHEN $2 = 'queued' THEN now() + $5 ELSE not_before END,
                running_on = NULL, heartbeat_at = NULL
            WHERE id = $1 AND status = 'running'
            """, connection);
        finish.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        finish.Parameters.Add(new NpgsqlParameter<string> { TypedValue = status });
        finish.Parameters.Add(new NpgsqlParameter { Value = result is null ? DBNull.Value : JobContext.Serialize(result), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        finish.Parameters.Add(new NpgsqlParameter { Value = error is null ? DBNull.Value : Clip(error, 2000), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Varchar });
        finish.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = retryIn });
        AddProgress(finish.Parameters, progress);
        await finish.ExecuteNonQueryAsync(ct);
    }

    private async Task RequeueAsync(Guid id)
    {
        await using var connection = await connections.OpenAsync(CancellationToken.None);
        await using var requeue = new NpgsqlCommand("""
            UPDATE jobs.jobs SET status = 'queued', attempts = greatest(attempts - 1, 0), not_before = now(), running_on = NULL, heartbeat_at = NULL
            WHERE id = $1 AND status = 'running'
            """, connection);
        requeue.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        await requeue.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>Puts back in the queue (or fails, when its attempts are spent) every running job whose node went silent.</summary>
    public async Task<int> RecoverStaleAsync(TimeSpan staleAfter, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var recover = new NpgsqlCommand("""
            UPDATE jobs.jobs
            SET status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
                finished_at = CASE WHEN attempts >= max_attempts THEN now() END,
                error = 'The node running it (' || coalesce(running_on, '?') || ') stopped answering.',
                not_before = now(), running_on = NULL, heartbeat_at = NULL
            WHERE status = 'running' AND heartbeat_at < now() - $1
            """, connection);
        recover.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = staleAfter });
        return await recover.ExecuteNonQueryAsync(ct);
    }

    private async Task RecoveryLoopAsync(JobsOptions settings, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var recovered = await RecoverStaleAsync(settings.StaleAfter, stopping);
                if (recovered > 0)
                {
                    LogRecovered(recovered);
                    signal.Wake();
                }

                await Task.Delay(settings.StaleAfter / 2, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (NpgsqlException ex)
            {
                LogLoopFailed(ex.GetType().Name);
                await Task.Delay(settings.PollInterval * 5, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    internal static TimeSpan RetryDelay(JobsOptions settings, int attempt)
    {
        var delay = settings.RetryDelay * Math.Pow(2, Math.Max(0, attempt - 1));
        return delay > settings.MaxRetryDelay ? settings.MaxRetryDelay : delay;
    }

    private static string Clip(string value, int max) => value.Length > max ? value[..max] : value;

    private sealed record ClaimedJob(Guid Id, string Kind, string Payload, int Attempt, int MaxAttempts, Guid? RequestedByUserId, string RequestedByName);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({Kind}) {Status} in {ElapsedMs:F0} ms")]
    private partial void LogFinished(Guid jobId, string kind, string status, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} ({Kind}) attempt {Attempt} of {MaxAttempts} failed ({Error})")]
    private partial void LogAttemptFailed(Guid jobId, string kind, int attempt, int maxAttempts, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ({Kind}) put back in the queue: this node is stopping")]
    private partial void LogRequeued(Guid jobId, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} job(s) whose node went silent put back in the queue")]
    private partial void LogRecovered(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job runner could not reach the database ({Error}); trying again")]
    private partial void LogLoopFailed(string error);
}
