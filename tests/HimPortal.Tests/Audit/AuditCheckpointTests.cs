using HimPortal.Application.Audit.Checkpoints;
using HimPortal.Application.Audit.VerifyAuditChain;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Audit;

/// <summary>
/// Finding 4 of issue 14: rewrites by someone who can bypass the triggers (a superuser, or the schema owner) went unseen,
/// because the chain was anchored only in the database. Signed checkpoints of the lane heads, kept outside PostgreSQL,
/// anchor it: a checkpoint's head must still be in the chain with the same hash, and no lane may end before it.
/// </summary>
public sealed class AuditCheckpointTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private readonly CheckpointSink _sink = new();

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await using var services = Services();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await using var scope = services.CreateAsyncScope();
                await AccessAuditTests.RecordAsync(scope.ServiceProvider, "view");
            }
        })));
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _sink.Dispose();
    }

    private ServiceProvider Services() => _database.Services(settings: _sink.Settings);

    private async Task<AuditCheckpointWritten> CheckpointAsync()
    {
        await using var services = Services();
        await using var scope = services.CreateAsyncScope();
        var written = await scope.ServiceProvider.GetRequiredService<WriteAuditCheckpointHandler>()
            .HandleAsync(new WriteAuditCheckpointCommand(), CancellationToken.None);
        written.IsSuccess.ShouldBeTrue(written.Error?.Message);
        return written.Value!;
    }

    private async Task<AuditChainReport> VerifyAsync()
    {
        await using var services = Services();
        await using var scope = services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<VerifyAuditChainHandler>()
            .HandleAsync(new VerifyAuditChainQuery(), CancellationToken.None)).Value!;
    }

    private Task<CliRunner.Run> VerifyWithConsoleAsync() =>
        CliRunner.RunAsync(_database, null, _sink.Environment, ["audit", "verify"], ownerless: true);

    private Task<short> BusyLaneAsync() =>
        _database.ScalarAsync<short>("SELECT lane FROM audit.lane_heads WHERE lane_seq >= 4 ORDER BY lane_seq DESC, lane LIMIT 1");

    /// <summary>
    /// As a superuser: the lane's newest rows deleted and its head moved back to the row kept last. Lane heads and rows agree,
    /// every link holds, and `audit verify` said "intact"; the checkpoint taken before still names the rows removed.
    /// </summary>
    [Fact]
    public async Task Removing_a_lanes_newest_rows_and_moving_its_head_back_is_caught_by_a_checkpoint()
    {
        await CheckpointAsync();
        var lane = await BusyLaneAsync();
        var head = await _database.ScalarAsync<long>($"SELECT lane_seq FROM audit.lane_heads WHERE lane = {lane}");
        await _database.TruncateLaneAsync(lane, head - 2);

        var report = await VerifyAsync();
        report.Intact.ShouldBeFalse("the lane lost its newest rows");
        report.Breaks.ShouldContain(b => b.Lane == lane && b.Problem.Contains("checkpoint"), string.Join("; ", report.Breaks.Select(b => b.Problem)));

        var console = await VerifyWithConsoleAsync();
        console.ExitCode.ShouldBe(1, console.Output + console.Error);
        console.Error.ShouldContain("Audit chain BROKEN");
        console.Error.ShouldContain($"lane {lane} ends at sequence {head - 2}");
    }

    /// <summary>
    /// As a superuser: a row in the middle of a lane altered (who acted), and every hash after it recomputed and the head
    /// moved, which the unkeyed SHA-256 allows. The chain is self-consistent again; the checkpoint's hash is not in it.
    /// </summary>
    [Fact]
    public async Task Altering_a_row_and_rechaining_the_rest_of_its_lane_is_caught_by_a_checkpoint()
    {
        await CheckpointAsync();
        var lane = await BusyLaneAsync();
        await _database.TamperAsync($"UPDATE audit.access_events SET user_name = 'someone-else' WHERE lane = {lane} AND lane_seq = 2");
        await _database.RechainLaneAsync(lane, 2);

        var report = await VerifyAsync();
        report.Intact.ShouldBeFalse("a row before the checkpoint was rewritten");
        report.Breaks.ShouldContain(b => b.Lane == lane && b.Problem.Contains("checkpoint"), string.Join("; ", report.Breaks.Select(b => b.Problem)));

        var console = await VerifyWithConsoleAsync();
        console.ExitCode.ShouldBe(1, console.Output + console.Error);
        console.Error.ShouldContain("Audit chain BROKEN");
    }
}
