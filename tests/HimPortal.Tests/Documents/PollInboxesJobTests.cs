using HimPortal.Application.Documents.CaptureFiles;
using HimPortal.Application.Documents.PollInboxes;
using HimPortal.Application.Jobs;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Documents;

/// <summary>Watched inbox folders: what has settled is captured under the inbox's name; refused files are set aside, not lost.</summary>
public sealed class PollInboxesJobTests(TestDatabase database) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Fact]
    public async Task Settled_files_are_captured_under_the_inbox_name_refused_ones_moved_aside_and_the_rest_left()
    {
        var inbox = Directory.CreateDirectory(Path.Combine(folder.Path, "fax")).FullName;
        var old = DateTime.UtcNow.AddMinutes(-5);
        string Drop(string name, byte[] bytes, bool settled = true)
        {
            var path = Path.Combine(inbox, name);
            File.WriteAllBytes(path, bytes);
            if (settled)
            {
                File.SetLastWriteTimeUtc(path, old);
            }

            return path;
        }

        var fax = Drop("fax-0001.tif", SampleFiles.FaxTiff(2, 98, 3));
        var junk = Drop("fax-0002.tif", SampleFiles.NotADocument());
        var locked = Drop("fax-0003.pdf", SampleFiles.EncryptedPdf());
        var writing = Drop("fax-0004.tif", SampleFiles.FaxTiff(1, 196, 4), settled: false);
        var hidden = Drop(".fax-0005.tmp", SampleFiles.FaxTiff(1, 196, 5));
        await using var services = database.Services(settings: new Dictionary<string, string?>
        {
            ["Documents:Inboxes:fax-server:Path"] = inbox,
            ["Documents:Inboxes:scanner-9:Path"] = Path.Combine(folder.Path, "not-there"),
        });
        await using var scope = services.CreateAsyncScope();
        var job = new JobContext(Guid.NewGuid(), PollInboxesJob.Kind, 1, "{}");

        var outcome = await scope.ServiceProvider.GetRequiredService<PollInboxesJob>().RunAsync(job, CancellationToken.None);

        outcome.ShouldBe(JobOutcome.Succeeded);
        var files = ((CaptureSummary)job.Result!).Files;
        files.Select(f => (f.Path, f.Ok)).ShouldBe([("fax-server/fax-0001.tif", true), ("fax-server/fax-0002.tif", false), ("fax-server/fax-0003.pdf", false)]);
        File.Exists(fax).ShouldBeFalse("captured: its bytes are in the document store");
        File.Exists(locked).ShouldBeFalse("parked as unreadable: its bytes are in the document store");
        File.Exists(junk).ShouldBeFalse();
        File.Exists(Path.Combine(inbox, PollInboxesJob.RefusedFolder, "fax-0002.tif")).ShouldBeTrue("refused files are not kept in the store, so they stay for a person");
        File.Exists(writing).ShouldBeTrue("a file still being written waits for the next poll");
        File.Exists(hidden).ShouldBeTrue();
        (await database.ScalarAsync<string>(
            "SELECT string_agg(original_name || ':' || status, ',' ORDER BY original_name) FROM documents.received_files WHERE source = 'fax-server'"))
            .ShouldBe("fax-0001.tif:queued,fax-0002.tif:refused,fax-0003.pdf:unreadable");
    }
}
