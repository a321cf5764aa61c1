using HimPortal.Application.Common;
using HimPortal.Application.Documents.CaptureFiles;
using HimPortal.Application.Common.Store;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.UploadDocuments;

/// <summary>
/// Captures an upload's files one by one (as the clerk who uploaded them), each through a temporary file, and removes
/// each staged file once captured: a retry after a crash starts at the first file not yet captured, and the capture's
/// SHA-256 dedupe makes a file captured twice harmless. The job's result is the capture's summary.
/// </summary>
[JobKind(UploadDocumentsHandler.JobKind)]
public sealed class CaptureUploadJob(HimDbContext db, IDocumentStore store, CaptureFilesHandler capture) : IJobWork
{
    public const string Source = "upload";

    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var uploadId = job.Payload<CaptureUploadPayload>().UploadId;
        var pending = await db.PendingUploads.AsNoTracking().Where(u => u.UploadId == uploadId).OrderBy(u => u.Ordinal).ToListAsync(ct);
        var outcomes = new List<CapturedFile>(pending.Count);
        job.Report(0, pending.Count, $"0 of {pending.Count} file(s) captured");
        foreach (var upload in pending)
        {
            var temp = Path.Combine(Path.GetTempPath(), "himportal-upload-" + upload.Id.ToString("N"));
            try
            {
                IncomingFile incoming;
                if (await store.OpenReadAsync(upload.Id, ct) is { } staged)
                {
                    await using (staged)
                    await using (var file = File.Create(temp))
                    {
                        await staged.CopyToAsync(file, ct);
                    }

                    incoming = new IncomingFile(temp, upload.Name);
                }
                else
                {
                    // Staged without its bytes: over the size limit, refused by its announced length.
                    incoming = new IncomingFile("", upload.Name, upload.Length);
                }

                var result = await capture.HandleAsync(new CaptureFilesCommand([incoming], Source), ct);
                if (result.Error is { } refused)
                {
                    job.FailureMessage = refused.Message;
                    return JobOutcome.Failed;
                }

                outcomes.Add(result.Value!.Files[0] with { Path = upload.Name });
                await db.InTransactionAsync(async token =>
                {
                    await store.DeleteAsync(upload.Id, token);
                    await db.PendingUploads.Where(u => u.Id == upload.Id).ExecuteDeleteAsync(token);
                    return true;
                }, ct);
            }
            finally
            {
                File.Delete(temp);
            }

            job.Report(outcomes.Count, pending.Count, $"{outcomes.Count} of {pending.Count} file(s) done");
        }

        job.Result = new CaptureSummary(outcomes);
        job.Report(pending.Count, pending.Count, $"{outcomes.Count(o => o.Ok)} of {pending.Count} file(s) captured");
        return JobOutcome.Succeeded;
    }
}
