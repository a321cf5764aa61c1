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

    /// <summary>An untouched chain: every checkpoint holds, the next one says so, and none is ever rewritten.</summary>
    [Fact]
    public async Task Checkpoints_of_an_untouched_chain_verify_and_each_finds_the_one_before_it_held()
    {
        var first = await CheckpointAsync();
        first.PreviousHeld.ShouldBeNull("the first checkpoint has none before it");
        await using (var services = Services())
        {
            await using var scope = services.CreateAsyncScope();
            await AccessAuditTests.RecordAsync(scope.ServiceProvider, "view");
        }

        var firstText = await File.ReadAllTextAsync(first.File);
        var second = await CheckpointAsync();
        second.Number.ShouldBe(first.Number + 1);
        second.PreviousHeld.ShouldBe(true, second.Problem);
        (await File.ReadAllTextAsync(first.File)).ShouldBe(firstText);
        _sink.Files.Count.ShouldBe(2);

        var report = await VerifyAsync();
        report.Intact.ShouldBeTrue(report.FirstBreak?.Problem);
        report.Checkpoints.ShouldBe(2);

        var console = await VerifyWithConsoleAsync();
        console.ExitCode.ShouldBe(0, console.Error);
        console.Output.ShouldContain("held to 2 signed checkpoint(s)");
    }

    /// <summary>A checkpoint is only as good as its signature: one edited by hand anchors nothing and is named.</summary>
    [Fact]
    public async Task A_checkpoint_edited_after_signing_is_named()
    {
        var written = await CheckpointAsync();
        var lines = await File.ReadAllLinesAsync(written.File);
        lines[0] = lines[0].Replace("\"seq\":", "\"seq\":1", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(written.File, lines);

        var report = await VerifyAsync();
        report.Intact.ShouldBeFalse();
        report.Breaks.ShouldContain(b => b.Problem.Contains("cannot be trusted") && b.Problem.Contains("signature"),
            string.Join("; ", report.Breaks.Select(b => b.Problem)));
    }

    /// <summary>The hourly job notices a rewrite by itself: the next checkpoint finds the last one no longer holds.</summary>
    [Fact]
    public async Task The_next_checkpoint_reports_that_the_last_one_no_longer_holds()
    {
        await CheckpointAsync();
        var lane = await BusyLaneAsync();
        var head = await _database.ScalarAsync<long>($"SELECT lane_seq FROM audit.lane_heads WHERE lane = {lane}");
        await _database.TruncateLaneAsync(lane, head - 1);

        await using var services = Services();
        await using var scope = services.CreateAsyncScope();
        var job = new HimPortal.Application.Jobs.JobContext(Guid.NewGuid(), "audit.checkpoint", 1, "{}");
        var outcome = await scope.ServiceProvider.GetRequiredService<AuditCheckpointJob>().RunAsync(job, CancellationToken.None);
        outcome.ShouldBe(HimPortal.Application.Jobs.JobOutcome.Failed);
        job.FailureMessage.ShouldNotBeNull();
        job.FailureMessage.ShouldContain($"lane {lane} ends at sequence {head - 1}");
        _sink.Files.Count.ShouldBe(2, "the new checkpoint is written all the same; the old one keeps the evidence");
    }

    [Fact]
    public async Task A_checkpoint_folder_without_a_key_stops_the_start()
    {
        await using var services = _database.Services(settings: new Dictionary<string, string?> { ["Audit:Checkpoints:Directory"] = _sink.Directory });
        var refused = Should.Throw<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            services.GetRequiredService<Microsoft.Extensions.Options.IOptions<HimPortal.Application.Audit.AuditOptions>>().Value);
        refused.Message.ShouldContain("KeyFile");
    }
}
