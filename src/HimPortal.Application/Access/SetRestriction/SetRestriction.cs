using FluentValidation;
using HimPortal.Application.Access.History;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Access;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Access.SetRestriction;

/// <param name="Version">The row version the user saw; null when the patient had no restriction row then.</param>
public sealed record SetRestrictionCommand(Guid PatientId, bool Vip, bool Employee, string? EmployeeDepartment, string? Note, uint? Version) : IPatientRequest;

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

/// <summary>
/// Restricts (or releases) a patient's record: a restricted chart opens for physicians only by breaking the glass. Never
/// by someone who could then open it: an account that holds a chart-reading permission (Charts.Read) is refused, audited,
/// whatever it asks for (docs/adr/0021-no-self-made-access.md).
/// </summary>
[RequiresPermission(Permissions.ChartAccessManage)]
public sealed class SetRestrictionHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    AccessHistory history,
    IValidator<SetRestrictionCommand> validator,
    TimeProvider clock) : Handler<SetRestrictionCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(SetRestrictionCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);

        if (RolePermissions.Grants(actors.Current.Roles, Permissions.ChartsRead))
        {
            // Issue 14: a clerk who was also a physician lifted a VIP restriction and read the chart. Separation of duties:
            // who reads charts does not decide who may read them (45 CFR 164.308(a)(4), information access management).
            await audit.RecordAloneAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Denied, "PatientRestriction", null, command.PatientId,
                Purpose: "restriction change by a chart reader refused", Details: $"vip={command.Vip}; employee={command.Employee}"), ct);
            return AccessErrors.ClinicianMayNotRestrict;
        }

        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        try
        {
            return await db.InTransactionAsync<Result<bool>>(async token =>
            {
                if (!await db.Set<Patient>().AnyAsync(p => p.Id == command.PatientId, token))
                {
                    return AccessErrors.NotFound;
                }

                var row = await db.PatientRestrictions.SingleOrDefaultAsync(r => r.PatientId == command.PatientId, token);
                if ((row is null) != (command.Version is null))
                {
                    return AccessErrors.Conflict;
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
                // Privacy monitoring judges each access by the restriction of its time: the new period begins now.
                await history.RestrictionSetAsync(row, row.UpdatedAt, token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "PatientRestriction", null, command.PatientId,
                    Purpose: "HOPERAT", Details: $"vip={command.Vip}; employee={command.Employee}; department={row.EmployeeDepartment}"), token);
                return Result<bool>.Success(row.IsRestricted);
            }, ct);
        }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || e.InnerException is Npgsql.PostgresException { SqlState: "23505" })
        {
            return AccessErrors.Conflict;
        }
    }
}
