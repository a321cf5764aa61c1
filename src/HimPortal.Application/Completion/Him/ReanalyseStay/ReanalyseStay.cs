using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Him.ReanalyseStay;

public sealed record ReanalyseStayCommand(Guid EncounterId);

/// <summary>An HIM analyst asks for a stay to be analysed again (after fixing master data, say): queued with the job, audited as completion.reanalyse.</summary>
[RequiresPermission(Permissions.CompletionAnalyse)]
public sealed class ReanalyseStayHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, TimeProvider clock)
    : Handler<ReanalyseStayCommand, Result<bool>>(permissions)
{
    public const string Reason = "him-requested";

    protected override async Task<Result<bool>> ExecuteAsync(ReanalyseStayCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await db.InTransactionAsync<Result<bool>>(async token =>
        {
            var stay = await db.Stays.AsNoTracking().Where(s => s.EncounterId == command.EncounterId).Select(s => new { s.EncounterId, s.PatientId }).SingleOrDefaultAsync(token);
            if (stay is null)
            {
                return Error.NotFound("There is no such stay in chart completion.");
            }

            await StaysToAnalyse.QueueAsync(db, [stay.EncounterId], Reason, clock.GetUtcNow(), token);
            await audit.RecordAsync(HimAudit.Of(AuditAction.Update, stay.EncounterId, stay.PatientId, "reanalyse", "queued for analysis"), token);
            return Result<bool>.Success(true);
        }, ct);
    }
}
