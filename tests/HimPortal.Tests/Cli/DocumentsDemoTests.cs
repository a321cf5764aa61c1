using System.Diagnostics;
using HimPortal.Application.Documents.FileFromCoverSheets;
using HimPortal.Application.Documents.RenderPages;
using HimPortal.Application.Jobs;
using HimPortal.Documents.Synthetic;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Cli;

/// <summary>
/// `himportal documents demo` (issue 15 item 8): the run command's living queue of synthetic scans, quick and
/// idempotent; its cover-sheet batch files itself once its pages are rendered.
/// </summary>
public sealed class DocumentsDemoTests(ChartDatabase chart, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ChartDatabase>, IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task The_demo_makes_labelled_synthetic_files_of_every_kind_queues_them_once_and_its_batch_files_itself()
    {
        var demo = Path.Combine(folder.Path, "demo-documents");
        var clock = Stopwatch.StartNew();

        var first = await CliRunner.RunAsync(chart.Database, null, "documents", "demo", "--synthea", SyntheaData.Folder, "--out", demo);

        // Under 30 s on a quiet machine (the brief); the bound leaves room for a full suite running beside it on 2 cores.
        output.WriteLine($"documents demo, first run: {clock.Elapsed.TotalSeconds:F1} s");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(90));
        first.ExitCode.ShouldBe(0, first.Error);
        first.Output.ShouldContain("made 10 synthetic file(s): 10 queued, 0 already received, 0 failed.");
        var names = Directory.GetFiles(demo).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        names.ShouldAllBe(n => n!.StartsWith("synthetic-", StringComparison.Ordinal));
        names.ShouldContain(n => n!.EndsWith("-fax-standard.tif", StringComparison.Ordinal));
        names.ShouldContain(n => n!.EndsWith("-cover-sheet-batch.tif", StringComparison.Ordinal));
        names.ShouldContain(n => n!.EndsWith("-scanned.pdf", StringComparison.Ordinal));
        (await chart.Database.ScalarAsync<long>("SELECT count(*) FROM documents.received_files WHERE source = 'fax-server' AND status = 'queued' AND original_name LIKE 'synthetic-%'"))
            .ShouldBe(10);

        clock.Restart();
        var second = await CliRunner.RunAsync(chart.Database, null, "documents", "demo", "--synthea", SyntheaData.Folder, "--out", demo);

        output.WriteLine($"documents demo, second run: {clock.Elapsed.TotalSeconds:F1} s");
        second.ExitCode.ShouldBe(0, second.Error);
        second.Output.ShouldContain("reused 10 synthetic file(s): 0 queued, 10 already received, 0 failed.");
        (await chart.Database.ScalarAsync<long>("SELECT count(*) FROM documents.received_files")).ShouldBe(10);

        // Once the render step has made its pages, the batch's cover sheets file its notes to the imported patients.
        var batch = names.First(n => n!.EndsWith("-cover-sheet-batch.tif", StringComparison.Ordinal))!;
        var fileId = await chart.Database.ScalarAsync<Guid>($"SELECT id FROM documents.received_files WHERE original_name = '{batch}'");
        // The real render step (the worker process, ADR 0025), as the console that imported the file: it queues the cover-sheet job.
        await using var services = chart.Database.Services();
        await using (var render = services.CreateAsyncScope())
        {
            var rendered = await render.ServiceProvider.GetRequiredService<RenderFileHandler>().HandleAsync(new RenderFileCommand(fileId), CancellationToken.None);
            rendered.Error.ShouldBeNull();
        }

        (await chart.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM jobs.jobs WHERE kind = '{FileFromCoverSheetsJob.Kind}' AND payload->>'fileId' = '{fileId:D}'")).ShouldBe(1);
        await using var scope = services.CreateAsyncScope();
        var job = new JobContext(Guid.NewGuid(), FileFromCoverSheetsJob.Kind, 1, $"{{\"fileId\":\"{fileId:D}\"}}");
        (await scope.ServiceProvider.GetRequiredService<FileFromCoverSheetsJob>().RunAsync(job, CancellationToken.None)).ShouldBe(JobOutcome.Succeeded);
        var summary = (CoverSheetFilingSummary)job.Result!;
        summary.Queued.ShouldBe(0);
        summary.Filed.ShouldBe(summary.CoverSheets);
        summary.Filed.ShouldBeGreaterThan(0);
        SyntheticDocuments.Label.ShouldContain("SYNTHETIC");
    }
}
