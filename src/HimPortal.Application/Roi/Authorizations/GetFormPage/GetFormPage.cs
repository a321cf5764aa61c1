using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Authorizations.GetFormPage;

/// <param name="Ordinal">0-based page of the document.</param>
public sealed record GetFormPageQuery(Guid RequestId, Guid DocumentId, int Ordinal);

/// <summary>
/// A page image of a scanned document attached to the request (its authorization, order, subpoena, assurances), shown
/// beside the element-by-element check. Only documents the request itself names, so the tab is no way into the rest of
/// the chart (minimum necessary, 45 CFR 164.502(b)); each view audited.
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class GetFormPageHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IDocumentStore store)
    : Handler<GetFormPageQuery, Result<byte[]>>(permissions)
{
    protected override async Task<Result<byte[]>> ExecuteAsync(GetFormPageQuery query, CancellationToken ct) =>
        await db.InTransactionAsync<Result<byte[]>>(async token =>
        {
            var request = await db.ReleaseRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == query.RequestId, token);
            if (request is null || !await db.RequestDocuments.AnyAsync(d => d.RequestId == request.Id && d.DocumentId == query.DocumentId, token))
            {
                return RoiAuthorizationErrors.NotFound;
            }

            var imageId = await (
                    from p in db.Set<ScannedDocumentPage>()
                    join page in db.Set<DocumentPage>() on p.PageId equals page.Id
                    where p.DocumentId == query.DocumentId && p.Ordinal == query.Ordinal
                    select page.ImageObjectId)
                .SingleOrDefaultAsync(token);
            if (imageId is null)
            {
                return RoiAuthorizationErrors.NotFound;
            }

            // The store reads on the transaction's connection: close its stream before the audit row uses it.
            var png = new MemoryStream();
            await using (var image = await store.OpenReadAsync(imageId.Value, token))
            {
                if (image is null)
                {
                    return RoiAuthorizationErrors.NotFound;
                }

                await image.CopyToAsync(png, token);
            }

            await audit.RecordAsync(RoiAuthorizationErrors.Audit(request, AuditAction.View, $"form page {query.Ordinal + 1} of document {query.DocumentId:D}"), token);
            return Result<byte[]>.Success(png.ToArray());
        }, ct);
}
