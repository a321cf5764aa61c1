using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Intake.UploadBundles;
using HimPortal.Application.Jobs;
using HimPortal.Application.Jobs.CancelJob;
using HimPortal.Application.Jobs.GetJob;
using HimPortal.Data.Bulk;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HimPortal.Tests.Jobs;

/// <summary>The durable job queue on a real PostgreSQL: runs once across nodes, as its user, retried, recovered, cancelled.</summary>
public sealed class JobQueueTests : IAsyncLifetime
{
    private readonly TestDatabase database = new();

    private static readonly JobsOptions Fast = new()
    {
        PollInterval = TimeSpan.FromMilliseconds(50),
        HeartbeatInterval = TimeSpan.FromMilliseconds(100),
        RetryDelay = TimeSpan.FromMinutes(5),
        StaleAfter = TimeSpan.FromSeconds(2),
    };

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task An_upload_is_imported_by_its_job_as_the_clerk_who_uploaded_it_and_its_audit_rows_name_the_job()
    {
        await using var services = database.Services();
        var clerk = await Personas.CreateAsync(services, Roles.HimClerk);
        var jobId = await UploadAsync(services, clerk, SyntheaData.HospitalBundle, SyntheaData.PractitionerBundle, SyntheaData.PatientBundle(ClinicalData.Smallest));

        // The upload, then the matching of the record it brought (mpi.match-arrivals, issue 16) and the chart-completion
        // analysis of its discharged stays (completion.analyse-stays, issue 18), which the import queued.
        (await RunAllAsync(services)).ShouldBe(3);

        var job = await GetJobAsync(services, clerk, jobId);
        job.Status.ShouldBe("succeeded", job.Error);
        job.ProgressDone.ShouldBe(3);
        job.ProgressTotal.ShouldBe(3);
        job.Result!.ShouldContain("\"ok\": true");
        (await database.ScalarAsync<long>("SELECT count(*) FROM clinical.patients")).ShouldBe(1);
        (await database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE resource_type = 'Bundle' AND user_id = '{clerk.Id}' AND correlation_id = '{jobId:N}'")).ShouldBe(3);
        (await database.ScalarAsync<long>("SELECT count(*) FROM intake.uploaded_files WHERE content IS NOT NULL")).ShouldBe(0, "the bytes are purged once imported");
        (await database.ScalarAsync<long>("SELECT count(*) FROM intake.uploaded_files WHERE purged_at IS NOT NULL")).ShouldBe(3);
    }

    [Fact]
    public async Task Uploaded_gzip_bundles_import_like_their_json()
    {
        await using var services = database.Services();
        var clerk = await Personas.CreateAsync(services, Roles.HimClerk);
        var files = new[] { SyntheaData.HospitalBundle, SyntheaData.PractitionerBundle, SyntheaData.PatientBundle(ClinicalData.Smallest) }
            .Select(path =>
            {
                var bytes = File.ReadAllBytes(path);
                return new UploadedBundle(Path.GetFileName(path), bytes.Length, () => new MemoryStream(bytes));
            }).ToList();
        var upload = await AsAsync(services, clerk, sp => sp.GetRequiredService<UploadBundlesHandler>().HandleAsync(new UploadBundlesCommand(files), default));

        await RunAllAsync(services);

        (await GetJobAsync(services, clerk, upload.Value)).Status.ShouldBe("succeeded");
        (await database.ScalarAsync<long>("SELECT count(*) FROM clinical.patients")).ShouldBe(1);
    }

    [Fact]
    public async Task Several_nodes_run_each_job_once()
    {
        await using var services = database.Services();
        var jobs = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            jobs.Add(await EnqueueAsync(services, "audit.ensure-partitions", new ScheduledRun(), ActorScope.Scheduler("test", "t")));
        }

        // Three runners on their own connection pools, racing for the same rows.
        var nodes = Enumerable.Range(0, 3).Select(_ => database.Services()).ToList();
        try
        {
            await Task.WhenAll(nodes.Select(node => RunAllAsync(node)));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }

        (await database.ScalarAsync<long>("SELECT count(*) FROM jobs.jobs WHERE status = 'succeeded' AND attempts = 1")).ShouldBe(12);
    }

    [Fact]
    public async Task A_failing_attempt_is_retried_with_back_off_and_then_fails_for_good()
    {
        await using var services = database.Services();
        // A payload the work cannot read: each attempt throws.
        await database.ExecuteAsync("""
            INSERT INTO jobs.jobs (id, kind, payload, status, requested_by_name, requested_at, not_before, attempts, max_attempts, progress_done)
            VALUES ('0199a000-0000-7000-8000-000000000001', 'intake.import-upload', '{"uploadId": "not-a-guid"}', 'queued', 'system:test', now(), now(), 0, 2, 0)
            """, database.OwnerConnectionString);

        await RunAllAsync(services);
        (await database.ScalarAsync<string>("SELECT status FROM jobs.jobs")).ShouldBe("queued");
        (await database.ScalarAsync<int>("SELECT attempts FROM jobs.jobs")).ShouldBe(1);
        (await database.ScalarAsync<bool>("SELECT not_before > now() + interval '4 minutes' FROM jobs.jobs")).ShouldBeTrue("the first retry waits RetryDelay");
        (await database.ScalarAsync<string>("SELECT error FROM jobs.jobs")).ShouldStartWith("JsonException");

        await database.ExecuteAsync("UPDATE jobs.jobs SET not_before = now()", database.OwnerConnectionString);
        await RunAllAsync(services);
        (await database.ScalarAsync<string>("SELECT status FROM jobs.jobs")).ShouldBe("failed");
        (await database.ScalarAsync<int>("SELECT attempts FROM jobs.jobs")).ShouldBe(2);
    }

    [Fact]
    public async Task A_job_whose_node_went_silent_runs_again_on_another_and_one_out_of_attempts_fails()
    {
        await using var services = database.Services();
        var clerk = await Personas.CreateAsync(services, Roles.HimClerk);
        var jobId = await UploadAsync(services, clerk, SyntheaData.HospitalBundle);
        // As a node that claimed it and then died would leave it.
        await database.ExecuteAsync($"""
            UPDATE jobs.jobs SET status = 'running', attempts = 1, running_on = 'dead-node:1', heartbeat_at = now() - interval '10 minutes'
            WHERE id = '{jobId}'
            """, database.OwnerConnectionString);
        await database.ExecuteAsync("""
            INSERT INTO jobs.jobs (id, kind, payload, status, requested_by_name, requested_at, not_before, attempts, max_attempts, progress_done,
                                   running_on, heartbeat_at)
            VALUES ('0199a000-0000-7000-8000-000000000002', 'audit.ensure-partitions', '{}', 'running', 'system:test', now(), now(), 3, 3, 0,
                    'dead-node:1', now() - interval '10 minutes')
            """, database.OwnerConnectionString);

        var runner = Runner(services);
        (await runner.RecoverStaleAsync(Fast.StaleAfter, CancellationToken.None)).ShouldBe(2);
        await RunAllAsync(services);

        var job = await GetJobAsync(services, clerk, jobId);
        job.Status.ShouldBe("succeeded", job.Error);
        job.Attempts.ShouldBe(2);
        (await database.ScalarAsync<string>("SELECT status FROM jobs.jobs WHERE id = '0199a000-0000-7000-8000-000000000002'")).ShouldBe("failed");
        (await database.ScalarAsync<string>("SELECT error FROM jobs.jobs WHERE id = '0199a000-0000-7000-8000-000000000002'")).ShouldContain("dead-node:1");
    }

    [Fact]
    public async Task A_queued_job_is_cancelled_by_its_requester_and_is_no_one_elses_to_see_or_cancel()
    {
        await using var services = database.Services();
        var clerk = await Personas.CreateAsync(services, Roles.HimClerk);
        var other = await Personas.CreateAsync(services, Roles.HimClerk);
        var manager = await Personas.CreateAsync(services, Roles.HimManager);
        var jobId = await UploadAsync(services, clerk, SyntheaData.HospitalBundle);

        (await AsAsync(services, other, sp => sp.GetRequiredService<GetJobHandler>().HandleAsync(new GetJobQuery(jobId), default))).Error!.Kind
            .ShouldBe(ErrorKind.NotFound);
        (await AsAsync(services, other, sp => sp.GetRequiredService<CancelJobHandler>().HandleAsync(new CancelJobCommand(jobId), default))).Error!.Kind
            .ShouldBe(ErrorKind.NotFound);
        (await AsAsync(services, manager, sp => sp.GetRequiredService<GetJobHandler>().HandleAsync(new GetJobQuery(jobId), default))).IsSuccess
            .ShouldBeTrue("an HIM manager watches the department's queue");

        var cancelled = await AsAsync(services, clerk, sp => sp.GetRequiredService<CancelJobHandler>().HandleAsync(new CancelJobCommand(jobId), default));
        cancelled.Value.ShouldBe("cancelled");
        (await RunAllAsync(services)).ShouldBe(0, "a cancelled job never runs");
        (await database.ScalarAsync<long>("SELECT count(*) FROM clinical.organizations")).ShouldBe(0);
    }

    [Fact]
    public async Task A_running_job_stops_when_cancelled_and_keeps_what_it_committed()
    {
        await using var services = database.Services();
        var clerk = await Personas.CreateAsync(services, Roles.HimClerk);
        var bundles = SyntheaData.PatientBundles().Take(20).Prepend(SyntheaData.PractitionerBundle).Prepend(SyntheaData.HospitalBundle).ToArray();
        var jobId = await UploadAsync(services, clerk, bundles);
        await database.ExecuteAsync($"UPDATE jobs.jobs SET cancel_requested_at = now() WHERE id = '{jobId}'", database.OwnerConnectionString);

        await RunAllAsync(services);

        (await database.ScalarAsync<string>($"SELECT status FROM jobs.jobs WHERE id = '{jobId}'")).ShouldBe("cancelled");
    }

    [Fact]
    public async Task A_locked_users_job_is_refused_and_the_refusal_audited()
    {
        await using var services = database.Services();
        var clerk = await Personas.CreateAsync(services, Roles.HimClerk);
        var jobId = await UploadAsync(services, clerk, SyntheaData.HospitalBundle);
        await database.ExecuteAsync($"UPDATE identity.users SET lockout_end = now() + interval '1 day' WHERE id = '{clerk.Id}'", database.OwnerConnectionString);

        await RunAllAsync(services);

        (await database.ScalarAsync<string>($"SELECT status FROM jobs.jobs WHERE id = '{jobId}'")).ShouldBe("failed");
        (await database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{clerk.Id}' AND outcome = 'denied' AND correlation_id = '{jobId:N}'")).ShouldBe(1);
        (await database.ScalarAsync<long>("SELECT count(*) FROM clinical.organizations")).ShouldBe(0);
    }

    [Fact]
    public async Task A_second_enqueue_with_the_same_dedupe_key_adds_nothing_while_the_first_waits()
    {
        await using var services = database.Services();
        var scheduler = ActorScope.Scheduler("test", "t");
        var first = await EnqueueAsync(services, "audit.ensure-partitions", new ScheduledRun(), scheduler, "partitions");
        var second = await EnqueueAsync(services, "audit.ensure-partitions", new ScheduledRun(), scheduler, "partitions");
        second.ShouldBe(first);
        await RunAllAsync(services);
        var third = await EnqueueAsync(services, "audit.ensure-partitions", new ScheduledRun(), scheduler, "partitions");
        third.ShouldNotBe(first, "once the first has run, the key is free again");
    }

    private static JobRunner Runner(ServiceProvider services) =>
        new(services.GetRequiredService<IServiceScopeFactory>(), services.GetRequiredService<BulkConnections>(), services.GetRequiredService<JobSignal>(),
            Options.Create(Fast), NullLogger<JobRunner>.Instance);

    /// <summary>Runs due jobs until none is left; returns how many ran.</summary>
    private static async Task<int> RunAllAsync(ServiceProvider services)
    {
        var runner = Runner(services);
        var ran = 0;
        while (await runner.RunNextAsync(Fast, CancellationToken.None))
        {
            ran++;
        }

        return ran;
    }

    private static async Task<Guid> UploadAsync(ServiceProvider services, Persona clerk, params string[] paths)
    {
        var files = paths.Select(path =>
        {
            var bytes = SyntheaData.ReadJson(path);
            return new UploadedBundle(SyntheaData.JsonName(path), bytes.Length, () => new MemoryStream(bytes));
        }).ToList();
        var result = await AsAsync(services, clerk, sp => sp.GetRequiredService<UploadBundlesHandler>().HandleAsync(new UploadBundlesCommand(files), default));
        result.IsSuccess.ShouldBeTrue(result.Error?.Message);
        return result.Value;
    }

    private static async Task<JobView> GetJobAsync(ServiceProvider services, Persona who, Guid id)
    {
        var result = await AsAsync(services, who, sp => sp.GetRequiredService<GetJobHandler>().HandleAsync(new GetJobQuery(id), default));
        result.IsSuccess.ShouldBeTrue(result.Error?.Message);
        return result.Value!;
    }

    private static async Task<Guid> EnqueueAsync(ServiceProvider services, string kind, IJobPayload payload, AuditActor actor, string? dedupe = null)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActorScope>().RunAs(actor);
        return await scope.ServiceProvider.GetRequiredService<JobQueue>().EnqueueAsync(kind, payload, new JobRequest(dedupe), default);
    }

    private static async Task<T> AsAsync<T>(ServiceProvider services, Persona who, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActorScope>().RunAs(new AuditActor(who.Id, who.Email, [who.Role], "127.0.0.1", "xunit", null));
        return await work(scope.ServiceProvider);
    }
}
