using FluentValidation;
using HimPortal.Application.Access.History;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Access;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Access.AssignTreatment;

/// <param name="EndsOn">The last day of the relationship (a consult); null while it lasts until revoked.</param>
public sealed record AssignTreatmentCommand(Guid PatientId, Guid PhysicianUserId, string? Reason, DateOnly? EndsOn) : IPatientRequest;

public sealed class AssignTreatmentValidator : AbstractValidator<AssignTreatmentCommand>
{
    public AssignTreatmentValidator()
    {
        RuleFor(c => c.PhysicianUserId).NotEmpty().WithMessage("Choose the physician.");
        RuleFor(c => c.Reason).NotEmpty().WithMessage("Say why the physician treats this patient (for example: consult, transfer of care).")
            .MaximumLength(500);
    }
}

/// <summary>
/// Records that a physician treats a patient; from then on the chart opens for them without breaking the glass. Never
/// for oneself: an account holding both HIM and clinical roles cannot assign itself (the refusal is audited).
/// </summary>
[RequiresPermission(Permissions.ChartAccessManage)]
public sealed class AssignTreatmentHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    AccessHistory history,
    IValidator<AssignTreatmentCommand> validator,
    TimeProvider clock) : Handler<AssignTreatmentCommand, Result<Guid>>(permissions)
{
    protected override async Task<Result<Guid>> ExecuteAsync(AssignTreatmentCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);

        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        if (command.PhysicianUserId == actors.Current.UserId)
        {
            // Nobody makes their own treatment relationship (issue 14: a clerk who is also a physician assigned
            // themselves and read the chart); the refusal is audited, naming the patient.
            await audit.RecordAloneAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Denied, "TreatmentAssignment", null, command.PatientId,
                Purpose: "self-assignment refused", Details: $"physician={command.PhysicianUserId:D}"), ct);
            return AccessErrors.SelfAssignment;
        }

        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (command.EndsOn is { } last && last < today)
        {
            return new Error(ErrorKind.Invalid, "invalid-assignment", "The last day of the assignment cannot be in the past.", "EndsOn");
        }

        return await db.InTransactionAsync<Result<Guid>>(async token =>
        {
            if (!await db.Set<Patient>().AnyAsync(p => p.Id == command.PatientId, token))
            {
                return AccessErrors.NotFound;
            }

            var physicianRole = db.Roles.Where(r => r.Name == Roles.Physician).Select(r => r.Id);
            var isPhysician = await db.Users.AnyAsync(u => u.Id == command.PhysicianUserId && !(u.LockoutEnd > now)
                                                           && db.UserRoles.Any(ur => ur.UserId == u.Id && physicianRole.Contains(ur.RoleId)), token);
            if (!isPhysician)
            {
                return AccessErrors.NotAPhysician;
            }

            if (await db.TreatmentAssignments.AnyAsync(a => a.PatientId == command.PatientId && a.UserId == command.PhysicianUserId
                                                            && a.RevokedAt == null && (a.EndsAt == null || a.EndsAt > now), token))
            {
                return AccessErrors.AlreadyAssigned;
            }

            var assignment = new TreatmentAssignment
            {
                Id = Guid.CreateVersion7(now),
                PatientId = command.PatientId,
                UserId = command.PhysicianUserId,
                Reason = command.Reason!.Trim(),
                AssignedAt = now,
                AssignedByUserId = actors.Current.UserId,
                // To the end of the last day, UTC.
                EndsAt = command.EndsOn is { } end ? new DateTimeOffset(end.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            };
            db.TreatmentAssignments.Add(assignment);
            await db.SaveChangesAsync(token);
            await history.AssignmentRecordedAsync(assignment, token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "TreatmentAssignment", assignment.Id.ToString("D"),
                command.PatientId, Purpose: "HOPERAT",
                Details: $"physician={command.PhysicianUserId:D}; until={(assignment.EndsAt is { } e ? e.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "until-revoked")}; reason={assignment.Reason}"), token);
            return Result<Guid>.Success(assignment.Id);
        }, ct);
    }
}
