using FluentValidation;
using HimPortal.Application.Auditing;
using HimPortal.Application.Charts;
using HimPortal.Application.Common;
using HimPortal.Application.Security;
using HimPortal.Data;
using HimPortal.Data.Access;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.ChartAccess;

public static class ChartAccessErrors
{
    public static readonly Error NotFound = new("not-found", "There is no such patient or assignment.");

    public static readonly Error Conflict = new("conflict",
        "Someone else changed this patient's access since you opened the page. Review the current values and try again.");

    public static readonly Error NotAPhysician = new("not-a-physician", "Choose an active physician's account.", "PhysicianUserId");

    public static readonly Error AlreadyAssigned = new("already-assigned", "This physician already has an open assignment to this patient.",
        "PhysicianUserId");
}

public sealed record PatientAccessQuery(Guid PatientId);

public sealed record AssignmentItem(Guid Id, Guid PhysicianUserId, string PhysicianName, string Reason, DateTimeOffset AssignedAt,
    DateTimeOffset? EndsAt, uint Version);

public sealed record PhysicianOption(Guid UserId, string Name, string? Npi);

public sealed record RestrictionState(bool Vip, bool Employee, string? EmployeeDepartment, string? Note, DateTimeOffset UpdatedAt, uint Version);

public sealed record PatientAccessView(
    PatientHeader Patient,
    RestrictionState? Restriction,
    IReadOnlyList<AssignmentItem> Assignments,
    IReadOnlyList<PhysicianOption> Physicians);

/// <summary>
/// What HIM staff manage about who may open a chart: the restriction of a VIP's or an employee's record, and treatment
/// assignments (a physician taking over a patient before any encounter names them). Audited as a view of the patient.
/// </summary>
public sealed class GetPatientAccessHandler(HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, TimeProvider clock)
{
    public async Task<Result<PatientAccessView>> HandleAsync(PatientAccessQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!RolePermissions.Grants(actors.Current.Roles, Permissions.ChartAccessManage))
        {
            return ChartErrors.NotPermitted;
        }

        var now = clock.GetUtcNow();
        return await db.InTransactionAsync<Result<PatientAccessView>>(async token =>
        {
            var patient = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == query.PatientId)
                .Select(p => new PatientHeader(p.Id, p.GivenNames, p.FamilyName, p.BirthDate, p.Sex, p.Mrn, p.Deceased, p.DeceasedAt,
                    p.AddressLine, p.City, p.State, p.PostalCode, p.Phone,
                    db.PatientRestrictions.Any(r => r.PatientId == p.Id && (r.Vip || r.Employee))))
                .SingleOrDefaultAsync(token);
            if (patient is null)
            {
                return ChartAccessErrors.NotFound;
            }

            var restriction = await db.PatientRestrictions.AsNoTracking().Where(r => r.PatientId == query.PatientId)
                .Select(r => new RestrictionState(r.Vip, r.Employee, r.EmployeeDepartment, r.Note, r.UpdatedAt, r.Version))
                .SingleOrDefaultAsync(token);
            var assignments = await db.TreatmentAssignments.AsNoTracking()
                .Where(a => a.PatientId == query.PatientId && a.RevokedAt == null && (a.EndsAt == null || a.EndsAt > now))
                .OrderBy(a => a.AssignedAt)
                .Join(db.Users, a => a.UserId, u => u.Id, (a, u) => new AssignmentItem(a.Id, u.Id, u.DisplayName, a.Reason, a.AssignedAt, a.EndsAt, a.Version))
                .ToListAsync(token);
            var physicianRole = db.Roles.Where(r => r.Name == Roles.Physician).Select(r => r.Id);
            var physicians = await db.Users.AsNoTracking()
                .Where(u => db.UserRoles.Any(ur => ur.UserId == u.Id && physicianRole.Contains(ur.RoleId)) && !(u.LockoutEnd > now))
                .OrderBy(u => u.DisplayName)
                .Select(u => new PhysicianOption(u.Id, u.DisplayName, u.PractitionerNpi))
                .ToListAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "ChartAccess", null, query.PatientId,
                Purpose: "HOPERAT", Details: "sections=demographics,restriction,assignments"), token);
            return Result<PatientAccessView>.Success(new PatientAccessView(patient, restriction, assignments, physicians));
        }, ct);
    }
}

/// <param name="EndsOn">The last day of the relationship (a consult); null while it lasts until revoked.</param>
public sealed record AssignTreatmentCommand(Guid PatientId, Guid PhysicianUserId, string? Reason, DateOnly? EndsOn);

public sealed class AssignTreatmentValidator : AbstractValidator<AssignTreatmentCommand>
{
    public AssignTreatmentValidator()
    {
        RuleFor(c => c.PhysicianUserId).NotEmpty().WithMessage("Choose the physician.");
        RuleFor(c => c.Reason).NotEmpty().WithMessage("Say why the physician treats this patient (for example: consult, transfer of care).")
            .MaximumLength(500);
    }
}

/// <summary>Records that a physician treats a patient; from then on the chart opens for them without breaking the glass.</summary>
public sealed class AssignTreatmentHandler(
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<AssignTreatmentCommand> validator,
    TimeProvider clock)
{
    public async Task<Result<Guid>> HandleAsync(AssignTreatmentCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!RolePermissions.Grants(actors.Current.Roles, Permissions.ChartAccessManage))
        {
            return ChartErrors.NotPermitted;
        }

        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return new Error("invalid-assignment", validation.Errors[0].ErrorMessage, validation.Errors[0].PropertyName);
        }

        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        if (command.EndsOn is { } last && last < today)
        {
            return new Error("invalid-assignment", "The last day of the assignment cannot be in the past.", "EndsOn");
        }

        return await db.InTransactionAsync<Result<Guid>>(async token =>
        {
            if (!await db.Set<Patient>().AnyAsync(p => p.Id == command.PatientId, token))
            {
                return ChartAccessErrors.NotFound;
            }

            var physicianRole = db.Roles.Where(r => r.Name == Roles.Physician).Select(r => r.Id);
            var isPhysician = await db.Users.AnyAsync(u => u.Id == command.PhysicianUserId && !(u.LockoutEnd > now)
                                                           && db.UserRoles.Any(ur => ur.UserId == u.Id && physicianRole.Contains(ur.RoleId)), token);
            if (!isPhysician)
            {
                return ChartAccessErrors.NotAPhysician;
            }

            if (await db.TreatmentAssignments.AnyAsync(a => a.PatientId == command.PatientId && a.UserId == command.PhysicianUserId
                                                            && a.RevokedAt == null && (a.EndsAt == null || a.EndsAt > now), token))
            {
                return ChartAccessErrors.AlreadyAssigned;
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
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "TreatmentAssignment", assignment.Id.ToString("D"),
                command.PatientId, Purpose: "HOPERAT",
                Details: $"physician={command.PhysicianUserId:D}; until={(assignment.EndsAt is { } e ? e.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "until-revoked")}; reason={assignment.Reason}"), token);
            return Result<Guid>.Success(assignment.Id);
        }, ct);
    }
}

public sealed record RevokeAssignmentCommand(Guid PatientId, Guid AssignmentId, uint Version);

public sealed class RevokeAssignmentHandler(HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, TimeProvider clock)
{
    public async Task<Result<bool>> HandleAsync(RevokeAssignmentCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!RolePermissions.Grants(actors.Current.Roles, Permissions.ChartAccessManage))
        {
            return ChartErrors.NotPermitted;
        }

        try
        {
            return await db.InTransactionAsync<Result<bool>>(async token =>
            {
                var assignment = await db.TreatmentAssignments.SingleOrDefaultAsync(
                    a => a.Id == command.AssignmentId && a.PatientId == command.PatientId, token);
                if (assignment is null)
                {
                    return ChartAccessErrors.NotFound;
                }

                if (assignment.RevokedAt is not null)
                {
                    return ChartAccessErrors.Conflict;
                }

                db.Entry(assignment).Property(a => a.Version).OriginalValue = command.Version;
                assignment.RevokedAt = clock.GetUtcNow();
                assignment.RevokedByUserId = actors.Current.UserId;
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "TreatmentAssignment",
                    assignment.Id.ToString("D"), command.PatientId, Purpose: "HOPERAT", Details: "revoked"), token);
                return Result<bool>.Success(true);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ChartAccessErrors.Conflict;
        }
    }
}

/// <param name="Version">The row version the user saw; null when the patient had no restriction row then.</param>
public sealed record SetRestrictionCommand(Guid PatientId, bool Vip, bool Employee, string? EmployeeDepartment, string? Note, uint? Version);

public sealed class SetRestrictionValidator : AbstractValidator<SetRestrictionCommand>
{
    public SetRestrictionValidator()
    {
        RuleFor(c => c.EmployeeDepartment).NotEmpty().When(c => c.Employee)
            .WithMessage("Give the employee's department (the co-worker privacy rule needs it).");
        RuleFor(c => c.EmployeeDepartment).MaximumLength(200);
        RuleFor(c => c.Note).MaximumLength(1000);
    }
}

/// <summary>Restricts (or releases) a patient's record: a restricted chart opens for physicians only by breaking the glass.</summary>
public sealed class SetRestrictionHandler(
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<SetRestrictionCommand> validator,
    TimeProvider clock)
{
    public async Task<Result<bool>> HandleAsync(SetRestrictionCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!RolePermissions.Grants(actors.Current.Roles, Permissions.ChartAccessManage))
        {
            return ChartErrors.NotPermitted;
        }

        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return new Error("invalid-restriction", validation.Errors[0].ErrorMessage, validation.Errors[0].PropertyName);
        }

        try
        {
            return await db.InTransactionAsync<Result<bool>>(async token =>
            {
                if (!await db.Set<Patient>().AnyAsync(p => p.Id == command.PatientId, token))
                {
                    return ChartAccessErrors.NotFound;
                }

                var row = await db.PatientRestrictions.SingleOrDefaultAsync(r => r.PatientId == command.PatientId, token);
                if ((row is null) != (command.Version is null))
                {
                    return ChartAccessErrors.Conflict;
                }

                if (row is null)
                {
                    row = new PatientRestriction { PatientId = command.PatientId };
                    db.PatientRestrictions.Add(row);
                }
                else
                {
                    db.Entry(row).Property(r => r.Version).OriginalValue = command.Version!.Value;
                }

                row.Vip = command.Vip;
                row.Employee = command.Employee;
                row.EmployeeDepartment = command.Employee ? command.EmployeeDepartment!.Trim() : null;
                row.Note = string.IsNullOrWhiteSpace(command.Note) ? null : command.Note.Trim();
                row.UpdatedAt = clock.GetUtcNow();
                row.UpdatedByUserId = actors.Current.UserId;
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "PatientRestriction", null, command.PatientId,
                    Purpose: "HOPERAT", Details: $"vip={command.Vip}; employee={command.Employee}; department={row.EmployeeDepartment}"), token);
                return Result<bool>.Success(row.IsRestricted);
            }, ct);
        }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || e.InnerException is Npgsql.PostgresException { SqlState: "23505" })
        {
            return ChartAccessErrors.Conflict;
        }
    }
}
