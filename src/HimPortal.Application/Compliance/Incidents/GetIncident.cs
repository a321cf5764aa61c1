using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Compliance;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Compliance.Incidents;

public sealed record GetIncidentQuery(Guid Id);

public sealed record IncidentPatient(Guid Id, string Name, string? Mrn);

public sealed record IncidentAccessRow(DateTimeOffset At, Guid? UserId, string? UserName, IReadOnlyList<string> Roles, string Place, int? Page, string? Purpose);

public sealed record IncidentView(
    Guid Id,
    uint Version,
    string Kind,
    Guid? DocumentId,
    IncidentPatient WrongPatient,
    IncidentPatient RightPatient,
    Guid? CorrectionId,
    DateTimeOffset DiscoveredAt,
    string? DiscoveredBy,
    DateTimeOffset NotificationDueAt,
    int DaysLeft,
    string Summary,
    IReadOnlyList<IncidentAccessRow> Accesses,
    int NoticesSent,
    string? BreachException,
    string? NatureAndExtent,
    string? UnauthorizedPerson,
    string? AcquiredOrViewed,
    string? Mitigation,
    DateTimeOffset? NotifiedAt,
    string? Disposition,
    DateTimeOffset? ReviewedAt,
    string? ReviewedBy,
    string? ReviewNotes);

/// <summary>One incident with who saw the document and when. It names both patients: opening it is an audited view under each.</summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class GetIncidentHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, TimeProvider clock)
    : Handler<GetIncidentQuery, Result<IncidentView>>(permissions)
{
    protected override async Task<Result<IncidentView>> ExecuteAsync(GetIncidentQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await db.InTransactionAsync<Result<IncidentView>>(async token =>
        {
            var incident = await db.Set<PrivacyIncident>().AsNoTracking().SingleOrDefaultAsync(i => i.Id == query.Id, token);
            if (incident is null)
            {
                return Error.NotFound("There is no such incident.");
            }

            var patients = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == incident.WrongPatientId || p.Id == incident.RightPatientId)
                .Select(p => new IncidentPatient(p.Id, ((p.GivenNames ?? "") + " " + (p.FamilyName ?? "")).Trim(), p.Mrn)).ToListAsync(token);
            var accesses = await db.Set<PrivacyIncidentAccess>().AsNoTracking().Where(a => a.IncidentId == incident.Id).OrderBy(a => a.OccurredAt)
                .Select(a => new IncidentAccessRow(a.OccurredAt, a.UserId, a.UserName, a.Roles, a.Place, a.Page, a.Purpose)).ToListAsync(token);
            var notices = await db.Set<PatientSafetyNotice>().CountAsync(n => n.IncidentId == incident.Id, token);
            Guid?[] people = [incident.DiscoveredByUserId, incident.ReviewedByUserId];
            var names = await db.Users.Where(u => people.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, token);
            foreach (var patient in new[] { incident.WrongPatientId, incident.RightPatientId })
            {
                await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "PrivacyIncident", incident.Id.ToString("D"), patient,
                    Details: "privacy incident opened for review"), token);
            }

            IncidentPatient Find(Guid id) => patients.FirstOrDefault(p => p.Id == id) ?? new IncidentPatient(id, "(unknown)", null);
            string? Name(Guid? id) => id is { } v ? names.GetValueOrDefault(v) : null;
            return Result<IncidentView>.Success(new IncidentView(incident.Id, incident.Version, incident.Kind, incident.DocumentId,
                Find(incident.WrongPatientId), Find(incident.RightPatientId), incident.CorrectionId, incident.DiscoveredAt, Name(incident.DiscoveredByUserId),
                incident.NotificationDueAt, IncidentDeadline.DaysLeft(incident.NotificationDueAt, clock.GetUtcNow()), incident.Summary, accesses, notices,
                incident.BreachException, incident.NatureAndExtent, incident.UnauthorizedPerson, incident.AcquiredOrViewed, incident.Mitigation,
                incident.NotifiedAt, incident.Disposition, incident.ReviewedAt, Name(incident.ReviewedByUserId), incident.ReviewNotes));
        }, ct);
    }
}
