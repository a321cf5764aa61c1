using FluentValidation;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Patients;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Access.GetRecordAccess;

public sealed record GetRecordAccessQuery(Guid PatientId) : IPatientRequest;

public sealed record AssignmentItem(Guid Id, Guid PhysicianUserId, string PhysicianName, string Reason, DateTimeOffset AssignedAt,
    DateTimeOffset? EndsAt, uint Version);

public sealed record PhysicianOption(Guid UserId, string Name, string? Npi);

public sealed record RestrictionState(bool Vip, bool Employee, string? EmployeeDepartment, string? Note, DateTimeOffset UpdatedAt, uint Version);

public sealed record RecordAccessView(
    PatientHeader Patient,
    RestrictionState? Restriction,
    IReadOnlyList<AssignmentItem> Assignments,
    IReadOnlyList<PhysicianOption> Physicians);

/// <summary>
/// What HIM staff manage about who may open a chart: the restriction of a VIP's or an employee's record, and treatment
/// assignments (a physician taking over a patient before any encounter names them). Audited as a view of the patient.
/// </summary>
[RequiresPermission(Permissions.ChartAccessManage)]
public sealed class GetRecordAccessHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, TimeProvider clock) : Handler<GetRecordAccessQuery, Result<RecordAccessView>>(permissions)
{
    protected override async Task<Result<RecordAccessView>> ExecuteAsync(GetRecordAccessQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);

        var now = clock.GetUtcNow();
        return await db.InTransactionAsync<Result<RecordAccessView>>(async token =>
        {
            var patient = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == query.PatientId)
                .Select(p => new PatientHeader(p.Id, p.GivenNames, p.FamilyName, p.BirthDate, p.Sex, p.Mrn, p.Deceased, p.DeceasedAt,
                    p.AddressLine, p.City, p.State, p.PostalCode, p.Phone,
                    db.PatientRestrictions.Any(r => r.PatientId == p.Id && (r.Vip || r.Employee))))
                .SingleOrDefaultAsync(token);
            if (patient is null)
            {
                return AccessErrors.NotFound;
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
            return Result<RecordAccessView>.Success(new RecordAccessView(patient, restriction, assignments, physicians));
        }, ct);
    }
}
