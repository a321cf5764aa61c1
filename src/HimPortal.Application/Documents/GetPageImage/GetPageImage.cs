using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Documents.Store;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.GetPageImage;

public sealed record GetPageImageQuery(Guid DocumentId, Guid PageId, bool Thumbnail);

/// <summary>A rendered page (PNG), read whole: a page image is a few hundred kilobytes.</summary>
public sealed record PageImage(byte[] Bytes, string ContentType, int Number);

/// <summary>
/// One page of a document being indexed, as the image the render worker made (or its thumbnail). The page must be in the
/// document the address names, so an id from elsewhere shows nothing. Each view is audited as a page view in indexing
/// (<see cref="ScannedDocumentAudit"/>), with the patient the document is filed to when it is.
/// </summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class GetPageImageHandler(PermissionCheck permissions, HimDbContext db, IDocumentStore store, AccessAudit audit)
    : Handler<GetPageImageQuery, Result<PageImage>>(permissions)
{
    protected override Task<Result<PageImage>> ExecuteAsync(GetPageImageQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return db.InTransactionAsync<Result<PageImage>>(async token =>
        {
            var page = await (from dp in db.Set<ScannedDocumentPage>()
                              join p in db.Set<DocumentPage>() on dp.PageId equals p.Id
                              join d in db.Set<ScannedDocument>() on dp.DocumentId equals d.Id
                              where dp.DocumentId == query.DocumentId && dp.PageId == query.PageId
                              select new { p.Number, Object = query.Thumbnail ? p.ThumbnailObjectId : p.ImageObjectId, d.PatientId })
                .AsNoTracking().SingleOrDefaultAsync(token);
            if (page?.Object is not { } objectId)
            {
                return IndexingErrors.NotFound;
            }

            var bytes = await PageImages.ReadAsync(store, objectId, token);
            if (bytes is null)
            {
                return IndexingErrors.NotFound;
            }

            await audit.RecordAsync(ScannedDocumentAudit.PageView(query.DocumentId, page.PatientId,
                ScannedDocumentAudit.Places.Indexing, page.Number, ScannedDocumentAudit.OperationsPurpose), token);
            return Result<PageImage>.Success(new PageImage(bytes, "image/png", page.Number));
        }, ct);
    }
}

internal static class PageImages
{
    public static async Task<byte[]?> ReadAsync(IDocumentStore store, Guid objectId, CancellationToken ct)
    {
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
