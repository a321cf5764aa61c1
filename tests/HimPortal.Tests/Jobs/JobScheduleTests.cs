using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Jobs;

/// <summary>
/// The schedules on Quartz.NET's clustered PostgreSQL store: two web nodes on one database fire each schedule once per
/// interval between them (not once each), and each fire queues a job that runs as the scheduler.
/// </summary>
public sealed class JobScheduleTests : IAsyncLifetime
{
    private readonly TestDatabase database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task Two_nodes_fire_a_schedule_once_per_interval_and_its_jobs_run_as_the_scheduler()
    {
        var nodes = new[] { Node(), Node() };
        try
        {
            foreach (var node in nodes)
            {
                _ = node.Server;
            }

            var window = TimeSpan.FromSeconds(8);
            await Task.Delay(window);
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }

        var fired = await database.ScalarAsync<long>("SELECT count(*) FROM jobs.jobs WHERE kind = 'audit.ensure-partitions'");
        var logs = string.Join("\n", nodes.SelectMany(n => n.Logs.Lines).Where(l => l.Contains("Quartz", StringComparison.OrdinalIgnoreCase) || l.Contains("chedul", StringComparison.Ordinal)));
        // Every 2 s for about 8 s: about 4 fires for the cluster; unclustered, two nodes would fire about 8.
        fired.ShouldBeInRange(2, 6, logs);
        (await database.ScalarAsync<long>(
            "SELECT count(*) FROM jobs.jobs WHERE kind = 'audit.ensure-partitions' AND requested_by_name = 'system:audit-partitions' AND requested_by_user_id IS NULL"))
            .ShouldBe(fired);
        (await database.ScalarAsync<long>("SELECT count(*) FROM jobs.jobs WHERE kind = 'audit.ensure-partitions' AND status = 'succeeded'"))
            .ShouldBeGreaterThanOrEqualTo(fired - 1, "each queued fire runs (the last may still be running when the nodes stop)");
        (await database.ScalarAsync<long>("SELECT count(DISTINCT instance_name) FROM quartz.qrtz_scheduler_state")).ShouldBe(2, "both nodes joined the cluster");
    }

    private HimPortalFactory Node()
    {
        var node = new HimPortalFactory(database) { RunSchedules = true };
        node.Settings["Jobs:Schedules:privacy-monitoring:Enabled"] = "false";
        node.Settings["Jobs:Schedules:audit-partitions:Every"] = "00:00:02";
        node.Settings["Jobs:Schedules:audit-partitions:StartDelay"] = "00:00:00";
        return node;
    }
}
