using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.QualityControl;

public sealed record ListQualityReviewsQuery(string? After = null, int PageSize = 50);

public sealed record QualityQueueItem(
    Guid ReviewId,
    Guid DocumentId,
    DateTimeOffset FiledAt,
    string IndexedBy,
    string? IndexerName,
    bool Mine,
    string? TypeName,
    int PageCount,
    string? PatientName,
    string? PatientMrn,
    string SampleReason);

public sealed record QualityQueue(IReadOnlyList<QualityQueueItem> Items, string? NextAfter, int Waiting, DateTimeOffset? OldestFiledAt);

/// <summary>
/// The QA queue: filings drawn for review, oldest filing first, keyset paged on (filed at, id). It names patients, so
/// reading it is audited as a search. The reviewer's own filings are listed but marked: another clerk reviews them.
/// </summary>
[RequiresPermission(Permissions.IntakeQualityReview)]
public sealed class ListQualityReviewsHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors)
    : Handler<ListQualityReviewsQuery, Result<QualityQueue>>(permissions)
{
    protected override async Task<Result<QualityQueue>> ExecuteAsync(ListQualityReviewsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (KeysetCursor.Read(query.After, "open the QA queue again", out var after) is { } badLink)
        {
            return badLink;
        }

        var size = Math.Clamp(query.PageSize, 1, 200);
        var me = actors.Current.UserId;
        var pending = db.Set<QualityReview>().AsNoTracking().Where(r => r.Status == QualityReviewStatuses.Pending);
        var page = pending;
        if (after is { } c)
        {
            page = page.Where(r => EF.Functions.GreaterThan(ValueTuple.Create(r.FiledAt, r.Id), ValueTuple.Create(c.At, c.Id)));
        }

        return await db.InTransactionAsync<Result<QualityQueue>>(async token =>
        {
            var rows = await page.OrderBy(r => r.FiledAt).ThenBy(r => r.Id).Take(size + 1)
                .Join(db.Set<ScannedDocument>(), r => r.DocumentId, d => d.Id, (r, d) => new { r, d })
                .Select(x => new
                {
                    x.r,
                    x.d.PageCount,
                    Type = db.Set<DocumentType>().Where(t => t.Id == x.d.DocumentTypeId).Select(t => t.Name).FirstOrDefault(),
                    Patient = db.Set<Patient>().Where(p => p.Id == x.d.PatientId)
                        .Select(p => new { Name = ((p.GivenNames ?? "") + " " + (p.FamilyName ?? "")).Trim(), p.Mrn }).FirstOrDefault(),
                    Indexer = db.Users.Where(u => u.Id == x.r.IndexedByUserId).Select(u => u.DisplayName).FirstOrDefault(),
                })
                .ToListAsync(token);
            rows = [.. rows.OrderBy(x => x.r.FiledAt).ThenBy(x => x.r.Id)];
            var waiting = await pending.CountAsync(token);
            var oldest = await pending.MinAsync(r => (DateTimeOffset?)r.FiledAt, token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, "QualityReview",
                Purpose: ScannedDocumentAudit.OperationsPurpose, Details: $"qa queue; {Math.Min(rows.Count, size)} shown"), token);
            var items = rows.Take(size).Select(x => new QualityQueueItem(x.r.Id, x.r.DocumentId, x.r.FiledAt, x.r.IndexedBy ?? "clerk",
                x.r.IndexedByUserId is null ? "System (cover sheet)" : x.Indexer, x.r.IndexedByUserId is { } by && by == me, x.Type, x.PageCount,
                x.Patient?.Name, x.Patient?.Mrn, x.r.SampleReason ?? "")).ToList();
            var next = rows.Count > size ? new KeysetCursor(items[^1].FiledAt, items[^1].ReviewId).ToString() : null;
            return Result<QualityQueue>.Success(new QualityQueue(items, next, waiting, oldest));
        }, ct);
    }
}
