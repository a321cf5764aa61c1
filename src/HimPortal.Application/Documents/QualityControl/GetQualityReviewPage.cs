using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.QualityControl;

/// <summary>Page <paramref name="Number"/> (1-based) of the document under review.</summary>
public sealed record GetQualityReviewPageQuery(Guid ReviewId, int Number);

public sealed record PageImage(byte[] Png, short Rotation);

/// <summary>
/// One page image for the QA reviewer, read from the document store and audited as a page view in the quality-review
/// place under the patient the document is filed to (<see cref="ScannedDocumentAudit"/>): such views never make a
/// misfile a privacy incident. Kept apart from the render branch's page endpoints (Intake.Index) because QA has its own
/// permission and its own refusal (the indexer).
/// </summary>
[RequiresPermission(Permissions.IntakeQualityReview)]
public sealed class GetQualityReviewPageHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, IDocumentStore store)
    : Handler<GetQualityReviewPageQuery, Result<PageImage>>(permissions)
{
    protected override async Task<Result<PageImage>> ExecuteAsync(GetQualityReviewPageQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await db.InTransactionAsync<Result<PageImage>>(async token =>
        {
            var found = await QualityAccess.OpenAsync(db, audit, actors, query.ReviewId, $"page={query.Number}", token);
            if (found.Error is { } refused)
            {
                return refused;
            }

            var document = found.Value.Document;
            var page = await db.Set<ScannedDocumentPage>().AsNoTracking().Where(p => p.DocumentId == document.Id && p.Ordinal == query.Number - 1)
                .Join(db.Set<DocumentPage>(), p => p.PageId, p => p.Id, (dp, p) => new { p.ImageObjectId, dp.Rotation })
                .SingleOrDefaultAsync(token);
            if (page?.ImageObjectId is not { } objectId)
            {
                return Error.NotFound("The document has no such page, or it is not rendered yet.");
            }

            // Read whole and closed before the audit row: the store streams on the same connection.
            using var copy = new MemoryStream();
            await using (var stream = await store.OpenReadAsync(objectId, token))
            {
                if (stream is null)
                {
                    return Error.NotFound("The page image is missing from the document store.");
                }

                await stream.CopyToAsync(copy, token);
            }

            await audit.RecordAsync(ScannedDocumentAudit.PageView(document.Id, document.PatientId, ScannedDocumentAudit.Places.QualityReview,
                query.Number, ScannedDocumentAudit.OperationsPurpose), token);
            return Result<PageImage>.Success(new PageImage(copy.ToArray(), page.Rotation));
        }, ct);
    }
}
