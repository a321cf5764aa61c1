using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Documents.FileFromCoverSheets;
using HimPortal.Application.Documents.Ocr;
using HimPortal.Application.Common.Store;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Documents.RenderPages;

public sealed record RenderFileCommand(Guid FileId);

/// <summary>What became of a file: split into pages (with how many wait for OCR), parked, or nothing to do (already done).</summary>
public sealed record RenderFileOutcome(Guid FileId, ReceivedFileStatus Status, int Pages, int PendingOcr, string? Problem, bool AlreadyDone, TimeSpan Elapsed);

/// <summary>
/// Splits a queued file into pages (issue 15 item 2): the render worker (ADR 0025) draws each page and its thumbnail;
/// then, in one transaction, the images go into the document store, the pages into documents.pages (a born-digital
/// page with its text layer, a scanned one pending OCR), the file's first document (unindexed, all pages in order,
/// source and received time copied) into the indexing queue, and the file is marked split. A file the worker cannot
/// render is parked as unreadable with the worker's problem. Idempotent: a file no longer queued is left alone, and the
/// row lock makes two runs for one file take turns.
/// </summary>
[RequiresPermission(Permissions.IntakeImport)]
public sealed partial class RenderFileHandler(
    PermissionCheck permissions,
    HimDbContext db,
    IDocumentStore store,
    AccessAudit audit,
    JobQueue jobs,
    RenderWorker worker,
    IOptions<DocumentsOptions> options,
    TimeProvider clock,
    ILogger<RenderFileHandler> logger) : Handler<RenderFileCommand, Result<RenderFileOutcome>>(permissions)
{
    protected override async Task<Result<RenderFileOutcome>> ExecuteAsync(RenderFileCommand command, CancellationToken ct)
    {
        var file = await db.ReceivedFiles.AsNoTracking().FirstOrDefaultAsync(f => f.Id == command.FileId, ct);
        if (file is null)
        {
            return Error.NotFound();
        }

        if (file.Status != ReceivedFileStatus.Queued)
        {
            return Result<RenderFileOutcome>.Success(new RenderFileOutcome(file.Id, file.Status, file.PageCount ?? 0, 0, file.Problem, true, TimeSpan.Zero));
        }

        var work = Directory.CreateTempSubdirectory("himportal-render-");
        try
        {
            var input = Path.Combine(work.FullName, "input");
            await using (var content = await store.OpenReadAsync(file.Id, ct)
                ?? throw new InvalidOperationException($"Received file {file.Id} is queued but its bytes are not in the document store."))
            await using (var copy = File.Create(input))
            {
                await content.CopyToAsync(copy, ct);
            }

            var pagesFolder = Directory.CreateDirectory(Path.Combine(work.FullName, "pages")).FullName;
            var run = await worker.RunAsync(new RenderWorkerRequest(input, file.MediaType ?? "", pagesFolder), file.PageCount ?? 1, ct);
            if (run.Problem is { } problem)
            {
                LogParked(logger, file.Id, run.Elapsed.TotalMilliseconds);
                return await ParkAsync(file.Id, problem, run.Elapsed, ct);
            }

            var outcome = await SplitAsync(file, run, pagesFolder, ct);
            LogRendered(logger, file.Id, run.Pages.Count, run.Elapsed.TotalMilliseconds);
            return outcome;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private Task<Result<RenderFileOutcome>> ParkAsync(Guid fileId, string problem, TimeSpan elapsed, CancellationToken ct) =>
        db.InTransactionAsync(async token =>
        {
            var file = await LockAsync(fileId, token);
            if (file.Status != ReceivedFileStatus.Queued)
            {
                return Result<RenderFileOutcome>.Success(new RenderFileOutcome(file.Id, file.Status, file.PageCount ?? 0, 0, file.Problem, true, elapsed));
            }

            file.Status = ReceivedFileStatus.Unreadable;
            file.Problem = problem.Length > 1000 ? problem[..1000] : problem;
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "ReceivedFile", file.Id.ToString("D"),
                Details: "status=unreadable; render worker refused the file"), token);
            db.ChangeTracker.Clear();
            return Result<RenderFileOutcome>.Success(new RenderFileOutcome(file.Id, ReceivedFileStatus.Unreadable, 0, 0, file.Problem, false, elapsed));
        }, ct);

    private Task<Result<RenderFileOutcome>> SplitAsync(ReceivedFile received, RenderRun run, string folder, CancellationToken ct) =>
        db.InTransactionAsync(async token =>
        {
            var file = await LockAsync(received.Id, token);
            if (file.Status != ReceivedFileStatus.Queued)
            {
                // Another run split or parked it while this one rendered: its result stands.
                return Result<RenderFileOutcome>.Success(new RenderFileOutcome(file.Id, file.Status, file.PageCount ?? 0, 0, file.Problem, true, run.Elapsed));
            }

            var now = clock.GetUtcNow();
            var settings = options.Value;
            var document = new ScannedDocument
            {
                Id = Guid.CreateVersion7(now),
                ReceivedFileId = file.Id,
                Status = ScannedDocumentStatus.Unindexed,
                ReceivedAt = file.ReceivedAt,
                Source = file.Source,
                PageCount = run.Pages.Count,
            };
            db.Set<ScannedDocument>().Add(document);
            var pending = 0;
            foreach (var rendered in run.Pages.OrderBy(p => p.Page))
            {
                var number = rendered.Page!.Value;
                var page = new DocumentPage
                {
                    Id = Guid.CreateVersion7(now),
                    ReceivedFileId = file.Id,
                    Number = number,
                    ImageObjectId = Guid.CreateVersion7(now),
                    ThumbnailObjectId = Guid.CreateVersion7(now),
                    WidthPixels = rendered.Width,
                    HeightPixels = rendered.Height,
                    LooksBlank = (rendered.Ink ?? 0) < settings.BlankInk,
                    RenderedAt = now,
                };
                if (!string.IsNullOrWhiteSpace(rendered.Text))
                {
                    page.Text = rendered.Text;
                    page.TextSource = PageTextSource.Pdf;
                    page.OcrStatus = PageOcrStatus.NotNeeded;
                }
                else
                {
                    page.TextSource = PageTextSource.None;
                    page.OcrStatus = PageOcrStatus.Pending;
                    pending++;
                }

                // Streamed from the worker's files, one page at a time: memory stays flat for a 500-page fax.
                await using (var image = File.OpenRead(Path.Combine(folder, ImageName(number))))
                {
                    await store.PutAsync(page.ImageObjectId.Value, image, token);
                }

                await using (var thumbnail = File.OpenRead(Path.Combine(folder, ThumbnailName(number))))
                {
                    await store.PutAsync(page.ThumbnailObjectId.Value, thumbnail, token);
                }

                db.Set<DocumentPage>().Add(page);
                db.Set<ScannedDocumentPage>().Add(new ScannedDocumentPage { DocumentId = document.Id, PageId = page.Id, Ordinal = number - 1 });
            }

            file.Status = ReceivedFileStatus.Split;
            file.PageCount = run.Pages.Count;
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "ScannedDocument", document.Id.ToString("D"),
                Details: $"file={file.Id:D}; pages={run.Pages.Count}; pending_ocr={pending}"), token);
            if (pending > 0)
            {
                await jobs.EnqueueAsync(OcrPagesJob.Kind, new OcrPagesPayload(), new JobRequest(DedupeKey: OcrPagesJob.Kind), token);
            }

            // A scanned batch may carry cover sheets: the job reads them and files each part (item 4), or leaves the file alone.
            await FileFromCoverSheetsJob.EnqueueAsync(jobs, file.Id, token);

            db.ChangeTracker.Clear();
            return Result<RenderFileOutcome>.Success(new RenderFileOutcome(file.Id, ReceivedFileStatus.Split, run.Pages.Count, pending, null, false, run.Elapsed));
        }, ct);

    private async Task<ReceivedFile> LockAsync(Guid id, CancellationToken ct) =>
        await db.ReceivedFiles.FromSql($"SELECT * FROM documents.received_files WHERE id = {id} FOR UPDATE").SingleAsync(ct);

    /// <summary>The worker's file names (HimPortal.Documents' PageRenderer): NNNN.png and NNNN.thumb.png.</summary>
    public static string ImageName(int number) => number.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + ".png";

    public static string ThumbnailName(int number) => number.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + ".thumb.png";

    // Ids and counts only: no names, no text (conventions: no patient data in logs).
    [LoggerMessage(Level = LogLevel.Information, Message = "Rendered received file {FileId}: {Pages} page(s) in {Milliseconds:0} ms")]
    private static partial void LogRendered(ILogger logger, Guid fileId, int pages, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Received file {FileId} parked as unreadable by the render worker after {Milliseconds:0} ms")]
    private static partial void LogParked(ILogger logger, Guid fileId, double milliseconds);
}
