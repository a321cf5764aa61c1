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
            await Task.Delay(TimeSpan.FromSeconds(3));
            nodes.Add(StartNode());
            await Task.Delay(TimeSpan.FromSeconds(14));
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
        var span = await database.ScalarAsync<double>($"SELECT coalesce(extract(epoch FROM max(started_at) - min(started_at)), 0)::float8 {Fires}");
        fired.ShouldBeGreaterThanOrEqualTo(3, "a 2-second schedule over about 14 seconds");
        dueTimes.ShouldBe(fired, "each due time fired once in the cluster, not once per node");
        fired.ShouldBeLessThanOrEqualTo((long)Math.Floor(span / 2) + 2, $"{fired} fires over {span:F1} s");
        (await database.ScalarAsync<long>($"SELECT count(*) {Fires} AND requested_by_name = 'system:audit-partitions' AND requested_by_user_id IS NULL"))
            .ShouldBe(fired);
        (await database.ScalarAsync<long>($"SELECT count(*) {Fires} AND status = 'succeeded'")).ShouldBeGreaterThanOrEqualTo(fired - 1);
        (await database.ScalarAsync<long>("SELECT count(DISTINCT instance_name) FROM quartz.qrtz_scheduler_state")).ShouldBe(2, "both nodes joined the cluster");
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
        start.Environment["Logs__Path"] = "";
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        start.Environment["Jobs__Schedules__privacy-monitoring__Enabled"] = "false";
        start.Environment["Jobs__Schedules__audit-checkpoints__Enabled"] = "false";
        start.Environment["Jobs__Schedules__audit-partitions__Every"] = "00:00:02";
        return Process.Start(start)!;
    }
}
