using HimPortal.Application.Audit;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace HimPortal.Application.Jobs;

/// <param name="DedupeKey">At most one queued or running job with this key: a second enqueue returns the first job's id.</param>
/// <param name="MaxAttempts">How many times the job runs before it fails for good (a crash or an error counts).</param>
/// <param name="NotBefore">Start no earlier than this.</param>
public sealed record JobRequest(string? DedupeKey = null, int MaxAttempts = 3, DateTimeOffset? NotBefore = null);

/// <summary>
/// Puts work on the durable queue (jobs.jobs, docs/adr/0014) in the caller's transaction, so the request and what it
/// asks for commit together. The job runs as the current actor: the person who asked, or the scheduler.
/// </summary>
public sealed class JobQueue(HimDbContext db, IAuditActorAccessor actors, TimeProvider clock, JobSignal signal)
{
    /// <summary>Whether a schedule's fire due at <paramref name="dueAt"/> (give or take <paramref name="within"/>) already queued its job, whatever became of it.</summary>
    public Task<bool> HasScheduledRunAsync(string kind, DateTimeOffset dueAt, TimeSpan within, CancellationToken ct) =>
        db.Database.SqlQuery<bool>(
            $"SELECT EXISTS (SELECT 1 FROM jobs.jobs WHERE kind = {kind} AND (payload->>'scheduledFor')::timestamptz BETWEEN {dueAt - within} AND {dueAt + within}) AS \"Value\"")
            .SingleAsync(ct);

    public async Task<Guid> EnqueueAsync(string kind, IJobPayload payload, JobRequest? request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(payload);
        request ??= new JobRequest();
        if (!JobKinds.IsKnown(kind))
        {
            throw new ArgumentException($"No job kind '{kind}' is registered.", nameof(kind));
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var openedHere = connection.State != System.Data.ConnectionState.Open;
        if (openedHere)
        {
            await connection.OpenAsync(ct);
        }

        try
        {
            var queued = await InsertAsync(connection, (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction(), kind, payload, request,
                actors.Current, clock.GetUtcNow(), ct);
            signal.Wake();
            return queued;
        }
        finally
        {
            if (openedHere)
            {
                await connection.CloseAsync();
            }
        }
    }

    /// <summary>
    /// Queues a job on a plain Npgsql connection in its transaction (the bulk import writes without the DbContext): the
    /// job commits with the rows it is about. The runner finds it at its next poll.
    /// </summary>
    public static async Task<Guid?> EnqueueOnAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string kind, IJobPayload payload, AuditActor actor, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(actor);
        if (!JobKinds.IsKnown(kind))
        {
            throw new ArgumentException($"No job kind '{kind}' is registered.", nameof(kind));
        }

        return await InsertAsync(connection, transaction, kind, payload, new JobRequest(), actor, now, ct);
    }

    private static async Task<Guid> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, string kind, IJobPayload payload, JobRequest request, AuditActor actor,
        DateTimeOffset now, CancellationToken ct)
    {
        var id = Guid.CreateVersion7(now);
        // One statement: a duplicate (same dedupe key still queued or running) inserts nothing, and the existing id comes back.
        const string sql = """
            WITH inserted AS (
                INSERT INTO jobs.jobs (id, kind, payload, status, requested_by_user_id, requested_by_name, requested_at, not_before,
                                       attempts, max_attempts, dedupe_key, progress_done)
                VALUES ($1, $2, $3::jsonb, 'queued', $4, $5, $6, $7, 0, $8, $9, 0)
                ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running') DO NOTHING
                RETURNING id)
            SELECT id FROM inserted
            UNION ALL
            SELECT id FROM jobs.jobs WHERE $9 IS NOT NULL AND dedupe_key = $9 AND status IN ('queued', 'running')
            LIMIT 1
            """;
        await using var insert = new NpgsqlCommand(sql, connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = id });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = kind });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = JobContext.Serialize(payload) });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)actor.UserId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = actor.UserName ?? "system" });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = now });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = request.NotBefore ?? now });
        insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = Math.Max(1, request.MaxAttempts) });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)request.DedupeKey ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        return (Guid)(await insert.ExecuteScalarAsync(ct))!;
    }
}

/// <summary>Wakes this node's job runner when a job was queued here, instead of waiting for its next poll.</summary>
public sealed class JobSignal : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);

    public void Dispose() => _wake.Dispose();

    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);
}
