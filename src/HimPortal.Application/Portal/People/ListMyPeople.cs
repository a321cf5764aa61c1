using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Portal.People;

public sealed record ListMyPeopleQuery;

/// <summary>
/// One person whose record the signed-in portal account may open: the account's own (its MRN's record), or someone it
/// represents through a grant in force (45 CFR 164.502(g)). <see cref="PatientId"/> is the record to pass to every portal
/// handler; the chart gate checks it again on every read.
/// </summary>
public sealed record PortalPersonView(Guid PatientId, string Name, DateOnly? BirthDate, bool IsSelf, Guid? ProxyGrantId, string? Relationship, DateOnly? EndsOn);

/// <summary>
/// Whose records the portal account may open: the account's own first, then the people it represents, oldest grant first.
/// Names and birth dates are patient data, so each person listed has its view in the access audit.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class ListMyPeopleHandler(PermissionCheck permissions, HimDbContext db, IAuditActorAccessor actors, AccessAudit audit,
    TimeProvider clock, HospitalTime hospital) : Handler<ListMyPeopleQuery, Result<IReadOnlyList<PortalPersonView>>>(permissions)
{
    protected override Task<Result<IReadOnlyList<PortalPersonView>>> ExecuteAsync(ListMyPeopleQuery query, CancellationToken ct) =>
        db.InTransactionAsync(async token =>
        {
            var userId = actors.Current.UserId ?? Guid.Empty;
            var today = hospital.DayOf(clock.GetUtcNow());
            var own = await db.Set<Patient>().AsNoTracking()
                .Where(p => db.Users.Any(u => u.Id == userId && u.PatientMrn != null && u.PatientMrn == p.Mrn))
                .Select(p => new PortalPersonView(p.Id, p.GivenNames + " " + p.FamilyName, p.BirthDate, true, null, null, null))
                .ToListAsync(token);
            var represented = await db.ProxyGrants.AsNoTracking()
                .Where(g => g.RepresentativeUserId == userId && g.RevokedAt == null && g.StartsOn <= today && (g.EndsOn == null || g.EndsOn >= today))
                .OrderBy(g => g.CreatedAt)
                .Join(db.Set<Patient>(), g => g.PatientId, p => p.Id,
                    (g, p) => new PortalPersonView(p.Id, p.GivenNames + " " + p.FamilyName, p.BirthDate, false, g.Id, g.Relationship, g.EndsOn))
                .ToListAsync(token);
            IReadOnlyList<PortalPersonView> people = [.. own, .. represented.Where(r => own.All(o => o.PatientId != r.PatientId))];
            foreach (var person in people)
            {
                await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "Patient", person.PatientId.ToString("D"), person.PatientId,
                    Purpose: person.IsSelf ? "the patient's own record" : "personal representative", Details: "portal.people"), token);
            }

            return Result<IReadOnlyList<PortalPersonView>>.Success(people);
        }, ct);
}
