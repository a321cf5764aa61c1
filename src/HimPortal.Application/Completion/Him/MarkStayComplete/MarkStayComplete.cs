using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Him.MarkStayComplete;

/// <param name="Version">The stay's version the analyst saw.</param>
public sealed record MarkStayCompleteCommand(Guid EncounterId, uint Version);

/// <summary>
/// An HIM analyst marks a stay's record complete (issue 18 item 2: "mark a stay complete when nothing is open";
/// 42 CFR 482.24(c)(4)(viii)): refused while any deficiency is open, and when the stay changed since it was read (the
/// version); who and when are kept on the stay; audited as completion.complete.
/// </summary>
[RequiresPermission(Permissions.CompletionAnalyse)]
public sealed class MarkStayCompleteHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, TimeProvider clock)
    : Handler<MarkStayCompleteCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(MarkStayCompleteCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await Versioned.InTransactionAsync<bool>(db, HimAudit.Stale, async token =>
        {
            var stay = await db.Stays.SingleOrDefaultAsync(s => s.EncounterId == command.EncounterId, token);
            if (stay is null)
            {
                return Error.NotFound("There is no such stay in chart completion.");
            }

            if (stay.Version != command.Version)
            {
                return HimAudit.Stale;
            }

            if (stay.Status == StayStatuses.Complete)
            {
                return Error.Conflict("The stay is marked complete already.");
            }

            var open = await db.Deficiencies.CountAsync(d => d.EncounterId == stay.EncounterId && d.Status == DeficiencyStatuses.Open, token);
            if (open > 0)
            {
                return Error.Conflict($"The stay still has {open} open {(open == 1 ? "deficiency" : "deficiencies")}: it is complete when nothing is open.");
            }

            db.Entry(stay).Property(s => s.Version).OriginalValue = command.Version;
            stay.Status = StayStatuses.Complete;
            stay.OpenDeficiencies = 0;
            stay.CompletedAt = clock.GetUtcNow();
            stay.CompletedBy = actors.Current.UserId;
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(HimAudit.Of(AuditAction.Update, stay.EncounterId, stay.PatientId, "complete", "stay marked complete"), token);
            return Result<bool>.Success(true);
        }, ct);
    }
}
