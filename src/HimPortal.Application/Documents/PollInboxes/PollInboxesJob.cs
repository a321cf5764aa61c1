using HimPortal.Application.Documents.CaptureFiles;
using HimPortal.Application.Jobs;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Documents.PollInboxes;

/// <summary>
/// Captures what has arrived in the watched inbox folders (Documents:Inboxes:&lt;name&gt;:Path: a fax server's drop,
/// a scanner station), each file under its inbox's name as source; run by the "documents-inboxes" schedule as the
/// scheduler. A file still being written (changed within Documents:InboxSettle) waits for the next poll. A file once
/// captured (queued, parked or a duplicate: its bytes are in the document store) is removed from the inbox; a refused
/// file, whose bytes are not kept, is moved to the inbox's "refused" subfolder for a person to look at. Hidden files
/// and subfolders are left alone.
/// </summary>
[JobKind(Kind)]
public sealed class PollInboxesJob(CaptureFilesHandler capture, IOptions<DocumentsOptions> options, TimeProvider clock) : IJobWork
{
    public const string Kind = "documents.poll-inboxes";
    public const string RefusedFolder = "refused";

    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var settings = options.Value;
        var outcomes = new List<CapturedFile>();
        var missing = new List<string>();
        var settled = clock.GetUtcNow() - settings.InboxSettle;
        foreach (var (source, inbox) in settings.Inboxes.OrderBy(i => i.Key, StringComparer.Ordinal))
        {
            if (!Directory.Exists(inbox.Path))
            {
                missing.Add(source);
                continue;
            }

            var files = new DirectoryInfo(inbox.Path).EnumerateFiles()
                .Where(f => !f.Name.StartsWith('.') && f.LastWriteTimeUtc <= settled.UtcDateTime)
                .OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
            foreach (var file in files)
            {
                // One file per call: each file's outcome is final (and the file moved) before the next is read.
                var result = await capture.HandleAsync(new CaptureFilesCommand([new IncomingFile(file.FullName, file.Name)], source), ct);
                if (result.Error is { } refused)
                {
                    job.FailureMessage = refused.Message;
                    return JobOutcome.Failed;
                }

                var outcome = result.Value!.Files[0];
                outcomes.Add(outcome with { Path = $"{source}/{file.Name}" });
                try
                {
                    if (outcome.DocumentId is null)
                    {
                        var folder = Directory.CreateDirectory(Path.Combine(inbox.Path, RefusedFolder));
                        file.MoveTo(Path.Combine(folder.FullName, file.Name), overwrite: true);
                    }
                    else
                    {
                        file.Delete();
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Left in the inbox: the next poll recognises the same bytes and tries again; the other files go on.
                    job.Report(outcomes.Count, null, $"{source}/{file.Name} captured but not removed from the inbox");
                }
            }
        }

        job.Result = new CaptureSummary(outcomes);
        job.Report(outcomes.Count, outcomes.Count, $"{outcomes.Count(o => o.Ok)} of {outcomes.Count} file(s) captured"
            + (missing.Count == 0 ? "" : "; inbox folder missing: " + string.Join(", ", missing)));
        return JobOutcome.Succeeded;
    }
}
