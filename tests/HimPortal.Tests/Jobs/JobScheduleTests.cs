using System.Diagnostics;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Jobs;

/// <summary>
/// The schedules on Quartz.NET's clustered PostgreSQL store: two web nodes (two processes, as deployed) on one database
/// fire each schedule once per interval between them, never once each, and each fire queues a job that runs as the
/// scheduler. (Two hosts inside one test process share Quartz's process-wide scheduler registry, so nodes are
/// processes here.)
/// </summary>
public sealed class JobScheduleTests : IAsyncLifetime
{
    private readonly TestDatabase database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task Two_nodes_fire_a_schedule_once_per_interval_and_its_jobs_run_as_the_scheduler()
    {
        var nodes = new List<Process>();
        try
        {
            nodes.Add(StartNode());
            nodes.Add(StartNode());
            // Waits on the cluster's own state, not a fixed time: on a loaded machine a node takes half a minute to start.
            await WaitUntilAsync("SELECT count(DISTINCT instance_name) FROM quartz.qrtz_scheduler_state", 2, TimeSpan.FromMinutes(3));
            await WaitUntilAsync("SELECT count(*) FROM jobs.jobs WHERE kind = 'audit.ensure-partitions'", 4, TimeSpan.FromMinutes(1));
        }
        finally
        {
            foreach (var node in nodes)
            {
                node.Kill(entireProcessTree: true);
                await node.WaitForExitAsync();
                node.Dispose();
            }
        }

        const string Fires = "FROM jobs.jobs WHERE kind = 'audit.ensure-partitions'";
        var fired = await database.ScalarAsync<long>("SELECT count(*) " + Fires);
        var dueTimes = await database.ScalarAsync<long>("SELECT count(DISTINCT payload->>'scheduledFor') " + Fires);
        // Spread by due time, not start time: a loaded machine may start late fires together, each still due once.
        var span = await database.ScalarAsync<double>(
            $"SELECT coalesce(extract(epoch FROM max((payload->>'scheduledFor')::timestamptz) - min((payload->>'scheduledFor')::timestamptz)), 0)::float8 {Fires}");
        fired.ShouldBeGreaterThanOrEqualTo(4, "a 2-second schedule, watched until it fired four times");
        dueTimes.ShouldBe(fired, "each due time fired once in the cluster, not once per node");
        fired.ShouldBeLessThanOrEqualTo((long)Math.Round(span / 2) + 1, $"{fired} fires due over {span:F1} s: " +
            await database.ScalarAsync<string>($"SELECT string_agg((payload->>'scheduledFor') || ' started ' || started_at::text, '; ' ORDER BY id) {Fires}"));
        (await database.ScalarAsync<long>($"SELECT count(*) {Fires} AND requested_by_name = 'system:audit-partitions' AND requested_by_user_id IS NULL"))
            .ShouldBe(fired);
        (await database.ScalarAsync<long>($"SELECT count(*) {Fires} AND status = 'succeeded'")).ShouldBeGreaterThanOrEqualTo(fired - 1);
        (await database.ScalarAsync<long>("SELECT count(DISTINCT instance_name) FROM quartz.qrtz_scheduler_state")).ShouldBe(2, "both nodes joined the cluster");
    }

    private async Task WaitUntilAsync(string countSql, long atLeast, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (await database.ScalarAsync<long>(countSql) < atLeast)
        {
            DateTime.UtcNow.ShouldBeLessThan(until, $"waited {limit} for {atLeast} from: {countSql}");
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>The web app's own build, as a process of its own, on the test database.</summary>
    private Process StartNode()
    {
        var web = Path.Combine(Repository.Root, "src", "HimPortal.Web", "bin", "Release", "net10.0", "HimPortal.Web.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.Combine(Repository.Root, "src", "HimPortal.Web"),
            UseShellExecute = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        };
        start.ArgumentList.Add(web);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__HimPortal"] = database.AppConnectionString;
        start.Environment["Security__RequireHttps"] = "false";
        start.Environment["DataProtection__CertificatePath"] = Path.Combine(Repository.Root, ".himportal", "test-dataprotection.pfx");
        start.Environment["DataProtection__CreateIfMissing"] = "true";
        start.Environment["Logs__Path"] = "";
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        start.Environment["Jobs__Schedules__privacy-monitoring__Enabled"] = "false";
        start.Environment["Jobs__Schedules__audit-checkpoints__Enabled"] = "false";
        start.Environment["Jobs__Schedules__audit-partitions__Every"] = "00:00:02";
        return Process.Start(start)!;
    }
}
