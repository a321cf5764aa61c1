using HimPortal.Application.Audit.Checkpoints;
using HimPortal.Application.Audit.GenerateAuditRows;
using HimPortal.Application.Audit.VerifyAuditChain;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Audit;

/// <summary>
/// Verification on a live system: `audit verify` over many rows while chart views keep appending answered "newest row(s)
/// missing" for every lane, because it read the rows and the lane heads at different moments. A verification reads one
/// snapshot, so appends running throughout never raise a false alarm; nor do checkpoints signed while it runs.
/// </summary>
public sealed class VerifyUnderLoadTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private readonly CheckpointSink _sink = new();

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await using var services = _database.Services();
        await using var scope = services.CreateAsyncScope();
        var generated = await scope.ServiceProvider.GetRequiredService<GenerateAuditRowsHandler>()
            .HandleAsync(new GenerateAuditRowsCommand(60_000, Patients: 200, Users: 30, Days: 30), CancellationToken.None);
        generated.IsSuccess.ShouldBeTrue(generated.Error?.Message);
    }

    public async Task DisposeAsync()
    {
        await _database.DisposeAsync();
        _sink.Dispose();
    }

    [Fact]
    public async Task Verifications_while_appends_run_throughout_never_raise_a_false_alarm()
    {
        await using var services = _database.Services(settings: _sink.Settings);
        using var stop = new CancellationTokenSource();
        long appended = 0;
        var appenders = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await using var scope = services.CreateAsyncScope();
                await AccessAuditTests.RecordAsync(scope.ServiceProvider, "view");
                Interlocked.Increment(ref appended);
            }
        })).ToList();

        // Checkpoints signed while the verifications run: each is read before a verification's snapshot or not at all.
        long checkpoints = 0;
        appenders.Add(Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await using var scope = services.CreateAsyncScope();
                var written = await scope.ServiceProvider.GetRequiredService<WriteAuditCheckpointHandler>()
                    .HandleAsync(new WriteAuditCheckpointCommand(), CancellationToken.None);
                written.IsSuccess.ShouldBeTrue(written.Error?.Message);
                written.Value!.Problem.ShouldBeNull();
                Interlocked.Increment(ref checkpoints);
                await Task.Delay(200);
            }
        }));

        try
        {
            long appendedDuringRuns = 0;
            for (var run = 0; run < 4; run++)
            {
                var before = Interlocked.Read(ref appended);
                await using var scope = services.CreateAsyncScope();
                var report = (await scope.ServiceProvider.GetRequiredService<VerifyAuditChainHandler>()
                    .HandleAsync(new VerifyAuditChainQuery(), CancellationToken.None)).Value!;
                var during = Interlocked.Read(ref appended) - before;
                report.Intact.ShouldBeTrue($"run {run}, {during} append(s) during it: {report.FirstBreak?.Problem}");
                report.RowsChecked.ShouldBeGreaterThanOrEqualTo(60_000);
                appendedDuringRuns += during;
            }

            // Over the runs, not in each: on a loaded machine one short verification may finish before an appender's turn.
            appendedDuringRuns.ShouldBeGreaterThan(0, "appends ran while the chain was read");

            Interlocked.Read(ref checkpoints).ShouldBeGreaterThan(0);
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(appenders);
        }
    }
}
