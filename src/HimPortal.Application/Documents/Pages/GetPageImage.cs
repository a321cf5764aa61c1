using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.Pages;

public sealed record GetPageImageQuery(Guid PageId, bool Thumbnail = false);

/// <summary>
/// A page image as PNG bytes; <paramref name="ETag"/> is its store object's id, which never changes (objects are
/// written once), so a browser may keep it privately. <paramref name="PatientId"/>: the patient its document is filed to.
/// </summary>
public sealed record PageImage(byte[] Png, string ETag, Guid? PatientId);

/// <summary>Where a page's image is and whose it is: one indexed lookup (pages by id, its document by page id).</summary>
public sealed record PageImageLocation(Guid ObjectId, Guid? PatientId, Guid? DocumentId, int PageNumber);

/// <summary>
/// A page's image or thumbnail for the indexing screen (issue 15 item 4): every view is an audited `view` in the same
/// transaction, naming the patient when the page's document is filed to one (a page still in the queue belongs to no
/// patient yet). Needs Intake.Index. The chart's Documents section reads filed pages through the chart gate instead,
/// and reuses <see cref="LocateAsync"/> and <see cref="ReadAsync"/> for the lookup and the store read.
/// </summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class GetPageImageHandler(PermissionCheck permissions, HimDbContext db, IDocumentStore store, AccessAudit audit)
    : Handler<GetPageImageQuery, Result<PageImage>>(permissions)
{
    protected override Task<Result<PageImage>> ExecuteAsync(GetPageImageQuery query, CancellationToken ct) =>
        db.InTransactionAsync(async token =>
        {
            if (await LocateAsync(db, query.PageId, query.Thumbnail, token) is not { } location
                || await ReadAsync(store, location.ObjectId, token) is not { } png)
            {
                return Error.NotFound();
            }

            // The one shape of a page view (ScannedDocumentAudit), which the misfile check reads: indexing is operations.
            await audit.RecordAsync(location.DocumentId is { } documentId
                ? ScannedDocumentAudit.PageView(documentId, location.PatientId, ScannedDocumentAudit.Places.Indexing, location.PageNumber,
                    ScannedDocumentAudit.OperationsPurpose)
                : new AuditRecord(AuditAction.View, AuditOutcome.Success, "DocumentPage", query.PageId.ToString("D"),
                    Purpose: ScannedDocumentAudit.OperationsPurpose, Details: $"{ScannedDocumentAudit.Places.Indexing}; page={location.PageNumber}"), token);
            return Result<PageImage>.Success(new PageImage(png, location.ObjectId.ToString("N"), location.PatientId));
        }, ct);

    /// <summary>The page's image (or thumbnail) object and, when its document is filed, the patient: one query on two primary/unique keys.</summary>
    public static async Task<PageImageLocation?> LocateAsync(HimDbContext db, Guid pageId, bool thumbnail, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var row = await (
            from page in db.Set<DocumentPage>().AsNoTracking()
            where page.Id == pageId
            join placed in db.Set<ScannedDocumentPage>() on page.Id equals placed.PageId into placements
            from placed in placements.DefaultIfEmpty()
            join document in db.Set<ScannedDocument>() on placed.DocumentId equals document.Id into documents
            from document in documents.DefaultIfEmpty()
            select new
            {
                ObjectId = thumbnail ? page.ThumbnailObjectId : page.ImageObjectId,
                PatientId = document != null && document.Status == ScannedDocumentStatus.Filed ? document.PatientId : null,
                DocumentId = document != null ? document.Id : (Guid?)null,
                page.Number,
            }).FirstOrDefaultAsync(ct);
        return row?.ObjectId is { } objectId ? new PageImageLocation(objectId, row.PatientId, row.DocumentId, row.Number) : null;
    }

    /// <summary>The object's bytes (a page image is a few hundred kilobytes), read in the caller's transaction.</summary>
    public static async Task<byte[]?> ReadAsync(IDocumentStore store, Guid objectId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var stream = await store.OpenReadAsync(objectId, ct);
        if (stream is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy, ct);
        return copy.ToArray();
    }
}
