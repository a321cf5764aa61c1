using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.Ocr;

/// <summary>No payload: the job takes whatever pages are pending.</summary>
public sealed record OcrPagesPayload : IJobPayload;

/// <summary>How an OCR run went: pages read, failed, or marked unavailable (tesseract not installed).</summary>
public sealed record OcrPagesOutcome(int Done, int Failed, int Unavailable);

/// <summary>
/// documents.ocr (issue 15 item 5): reads the text of scanned pages (OcrStatus pending) with tesseract, a page at a
/// time, oldest file first, each page in its own short transaction with its audit row, so a stop loses at most one
/// page's work. Where tesseract is not installed every pending page becomes unavailable (the queue says "OCR not
/// installed on this server"); queued by the render job (one at a time: its dedupe key), and again by each render.
/// </summary>
[JobKind(Kind)]
public sealed class OcrPagesJob(HimDbContext db, IDocumentStore store, TesseractOcr ocr, AccessAudit audit) : IJobWork
{
    public const string Kind = "documents.ocr";

    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var result = await RunAsync(ct, job);
        job.Result = result;
        return JobOutcome.Succeeded;
    }

    /// <summary>Reads every pending page (also for the console's `documents ocr`).</summary>
    public async Task<OcrPagesOutcome> RunAsync(CancellationToken ct, JobContext? job = null)
    {
        int done = 0, failed = 0, unavailable = 0;
        if (!ocr.IsInstalled)
        {
            unavailable = await db.Set<DocumentPage>().Where(p => p.OcrStatus == PageOcrStatus.Pending)
                .ExecuteUpdateAsync(u => u.SetProperty(p => p.OcrStatus, PageOcrStatus.Unavailable), ct);
            job?.Report(unavailable, unavailable, $"OCR not installed on this server: {unavailable} page(s) without text");
            return new OcrPagesOutcome(0, 0, unavailable);
        }

        var temp = Path.Combine(Path.GetTempPath(), "himportal-ocr-" + Guid.NewGuid().ToString("N") + ".png");
        try
        {
            while (true)
            {
                var batch = await db.Set<DocumentPage>().AsNoTracking()
                    .Where(p => p.OcrStatus == PageOcrStatus.Pending && p.ImageObjectId != null)
                    .OrderBy(p => p.ReceivedFileId).ThenBy(p => p.Number).Take(20)
                    .Select(p => new { p.Id, ImageObjectId = p.ImageObjectId!.Value }).ToListAsync(ct);
                if (batch.Count == 0)
                {
                    break;
                }

                foreach (var page in batch)
                {
                    await using (var image = await store.OpenReadAsync(page.ImageObjectId, ct))
                    await using (var file = File.Create(temp))
                    {
                        if (image is not null)
                        {
                            await image.CopyToAsync(file, ct);
                        }
                    }

                    var read = await ocr.ReadAsync(temp, ct);
                    var status = read.Unavailable ? PageOcrStatus.Unavailable : read.Text is null ? PageOcrStatus.Failed : PageOcrStatus.Done;
                    await db.InTransactionAsync(async token =>
                    {
                        var changed = await db.Set<DocumentPage>().Where(p => p.Id == page.Id && p.OcrStatus == PageOcrStatus.Pending)
                            .ExecuteUpdateAsync(u => u
                                .SetProperty(p => p.OcrStatus, status)
                                .SetProperty(p => p.Text, read.Text)
                                .SetProperty(p => p.TextSource, read.Text is null ? PageTextSource.None : PageTextSource.Ocr), token);
                        if (changed > 0)
                        {
                            await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "DocumentPage", page.Id.ToString("D"),
                                Details: "ocr=" + (status == PageOcrStatus.Done ? "done" : status == PageOcrStatus.Failed ? "failed: " + read.Problem : "unavailable")), token);
                        }

                        return changed;
                    }, ct);
                    _ = status switch
                    {
                        PageOcrStatus.Done => done++,
                        PageOcrStatus.Failed => failed++,
                        _ => unavailable++,
                    };
                    job?.Report(done + failed + unavailable, null, $"{done} page(s) read, {failed} failed");
                }
            }
        }
        finally
        {
            File.Delete(temp);
        }

        return new OcrPagesOutcome(done, failed, unavailable);
    }
}
