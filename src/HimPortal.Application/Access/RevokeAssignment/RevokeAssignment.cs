using HimPortal.Application.Access.History;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Access.RevokeAssignment;

public sealed record RevokeAssignmentCommand(Guid PatientId, Guid AssignmentId, uint Version) : IPatientRequest;

[RequiresPermission(Permissions.ChartAccessManage)]
public sealed class RevokeAssignmentHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, AccessHistory history, TimeProvider clock) : Handler<RevokeAssignmentCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(RevokeAssignmentCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);

        try
        {
            return await db.InTransactionAsync<Result<bool>>(async token =>
            {
                var assignment = await db.TreatmentAssignments.SingleOrDefaultAsync(
                    a => a.Id == command.AssignmentId && a.PatientId == command.PatientId, token);
                if (assignment is null)
                {
                    return AccessErrors.NotFound;
                }

                if (assignment.RevokedAt is not null)
                {
                    return AccessErrors.Conflict;
                }

                db.Entry(assignment).Property(a => a.Version).OriginalValue = command.Version;
                assignment.RevokedAt = clock.GetUtcNow();
                assignment.RevokedByUserId = actors.Current.UserId;
                await db.SaveChangesAsync(token);
                await history.AssignmentRevokedAsync(assignment.Id, assignment.RevokedAt.Value, token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "TreatmentAssignment",
                    assignment.Id.ToString("D"), command.PatientId, Purpose: "HOPERAT", Details: "revoked"), token);
                return Result<bool>.Success(true);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return AccessErrors.Conflict;
        }
    }
}
