using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Compliance;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Charts.SafetyNotices;

public sealed record ListSafetyNoticesQuery(bool IncludeAcknowledged = false);

/// <summary>
/// "A document you viewed on (date) in (patient)'s chart belonged to another patient": the chart they viewed, never the
/// patient the document belongs to (that would disclose it a second time).
/// </summary>
public sealed record SafetyNoticeItem(Guid Id, uint Version, DateTimeOffset ViewedAt, Guid PatientId, string PatientName, string? PatientMrn,
    DateTimeOffset CreatedAt, DateTimeOffset? AcknowledgedAt);

/// <summary>
/// The signed-in clinician's patient-safety notices (issue 15 item 7): a misfiled document they read in a chart was
/// another patient's, so what they decided from it may need another look. Only their own notices are ever read.
/// </summary>
[RequiresPermission(Permissions.ChartsRead)]
public sealed class ListSafetyNoticesHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors)
    : Handler<ListSafetyNoticesQuery, Result<IReadOnlyList<SafetyNoticeItem>>>(permissions)
{
    protected override async Task<Result<IReadOnlyList<SafetyNoticeItem>>> ExecuteAsync(ListSafetyNoticesQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (actors.Current.UserId is not { } me)
        {
            return Result<IReadOnlyList<SafetyNoticeItem>>.Success([]);
        }

        return await db.InTransactionAsync<Result<IReadOnlyList<SafetyNoticeItem>>>(async token =>
        {
            var rows = await db.Set<PatientSafetyNotice>().AsNoTracking()
                .Where(n => n.UserId == me && (query.IncludeAcknowledged || n.AcknowledgedAt == null))
                .OrderByDescending(n => n.CreatedAt).Take(100)
                .Join(db.Set<Patient>(), n => n.PatientId, p => p.Id, (n, p) => new SafetyNoticeItem(n.Id, n.Version, n.ViewedAt, n.PatientId,
                    ((p.GivenNames ?? "") + " " + (p.FamilyName ?? "")).Trim(), p.Mrn, n.CreatedAt, n.AcknowledgedAt))
                .ToListAsync(token);
            if (rows.Count > 0)
            {
                // The notices name the patients whose charts they read: shown to them, so recorded like any read of a name.
                await audit.RecordAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, "PatientSafetyNotice",
                    Details: $"own patient-safety notices; {rows.Count} shown"), token);
            }

            return Result<IReadOnlyList<SafetyNoticeItem>>.Success(rows);
        }, ct);
    }
}

public sealed record AcknowledgeSafetyNoticeCommand(Guid Id, uint Version);

/// <summary>The clinician has read the notice (and reviewed what they did from the document): it leaves their list.</summary>
[RequiresPermission(Permissions.ChartsRead)]
public sealed class AcknowledgeSafetyNoticeHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, TimeProvider clock)
    : Handler<AcknowledgeSafetyNoticeCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(AcknowledgeSafetyNoticeCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var me = actors.Current.UserId;
        try
        {
            return await db.InTransactionAsync<Result<bool>>(async token =>
            {
                // Another user's notice is "not found": its existence is not theirs to learn.
                var notice = await db.Set<PatientSafetyNotice>().SingleOrDefaultAsync(n => n.Id == command.Id && n.UserId == me, token);
                if (notice is null)
                {
                    return Error.NotFound("There is no such notice.");
                }

                if (notice.AcknowledgedAt is not null)
                {
                    return Result<bool>.Success(false);
                }

                notice.AcknowledgedAt = clock.GetUtcNow();
                db.Entry(notice).Property(n => n.Version).OriginalValue = command.Version;
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "PatientSafetyNotice", notice.Id.ToString("D"),
                    notice.PatientId, Details: "patient-safety notice acknowledged"), token);
                return Result<bool>.Success(true);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Error.Conflict("The notice changed since you opened it. Reload the page.");
        }
    }
}
