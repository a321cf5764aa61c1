using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Records;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Clinical.ImportConflicts;

/// <param name="Open">Only the open conflicts (the worklist); false: every one, resolved included.</param>
public sealed record ListImportConflictsQuery(bool Open = true, int PageSize = 100);

/// <summary>
/// One resource an import sent under another patient than the one whose record holds it (ADR 0019): which resource,
/// whose record it is in (<see cref="StoredPatientFhirId"/>, <see cref="StoredPatientMrn"/>), which patient the source
/// gave it to, what the import did (<see cref="ImportConflict.Refused"/>, <see cref="ImportConflict.HeldBack"/>) and how often.
/// </summary>
public sealed record ImportConflictItem(
    long Id,
    string ResourceType,
    string ResourceFhirId,
    Guid StoredPatientId,
    string? StoredPatientFhirId,
    string? StoredPatientMrn,
    Guid IncomingPatientId,
    string IncomingPatientFhirId,
    string? IncomingPatientMrn,
    string Outcome,
    string Status,
    string BundleName,
    DateTimeOffset FirstSeenAt,
    DateTimeOffset LastSeenAt,
    int TimesSeen,
    string? ResolvedByName,
    DateTimeOffset? ResolvedAt);

/// <summary>
/// The conflicts the import put on the master patient index's list, latest first: what HIM staff work (a correction
/// moves data between patients; the import never does). It names patients, so the listing is audited.
/// </summary>
[RequiresPermission(Permissions.RecordsCorrect)]
public sealed class ListImportConflictsHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit)
    : Handler<ListImportConflictsQuery, Result<IReadOnlyList<ImportConflictItem>>>(permissions)
{
    protected override async Task<Result<IReadOnlyList<ImportConflictItem>>> ExecuteAsync(ListImportConflictsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var size = Math.Clamp(query.PageSize, 1, 500);
        var conflicts = db.ImportConflicts.AsNoTracking();
        if (query.Open)
        {
            conflicts = conflicts.Where(c => c.Status == ImportConflict.Open);
        }

        var items = await db.InTransactionAsync(async token =>
        {
            var page = await conflicts.OrderByDescending(c => c.LastSeenAt).ThenByDescending(c => c.Id).Take(size)
                .Select(c => new ImportConflictItem(c.Id, c.ResourceType, c.ResourceFhirId, c.StoredPatientId,
                    db.Set<Patient>().Where(p => p.Id == c.StoredPatientId).Select(p => p.FhirId).FirstOrDefault(),
                    db.Set<Patient>().Where(p => p.Id == c.StoredPatientId).Select(p => p.Mrn).FirstOrDefault(),
                    c.IncomingPatientId, c.IncomingPatientFhirId, c.IncomingPatientMrn, c.Outcome, c.Status, c.BundleName,
                    c.FirstSeenAt, c.LastSeenAt, c.TimesSeen, c.ResolvedByName, c.ResolvedAt))
                .ToListAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, "ImportConflict",
                Details: $"import conflicts; {(query.Open ? "open" : "all")}; {page.Count} shown"), token);
            return page;
        }, ct);
        return Result<IReadOnlyList<ImportConflictItem>>.Success(items);
    }
}
