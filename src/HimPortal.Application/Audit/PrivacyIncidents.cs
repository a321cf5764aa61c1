using HimPortal.Application.Access;
using HimPortal.Data;
using HimPortal.Data.Compliance;

namespace HimPortal.Application.Audit;

/// <summary>One view of misplaced information under the wrong patient, as the access log recorded it.</summary>
/// <param name="Place">Where it was seen (a scanned document's place, or the chart page's resource type).</param>
public sealed record IncidentAccess(Guid AuditEventId, DateTimeOffset OccurredAt, Guid? UserId, string? UserName, string[] Roles, string Place, int? Page, string? Purpose);

/// <summary>What an incident is about: its kind, the two patients, what was moved and a summary for compliance.</summary>
/// <param name="WrongPatientId">The patient whose chart showed the other's information.</param>
/// <param name="RightPatientId">The patient whose information was disclosed.</param>
public sealed record IncidentOpening(string Kind, Guid WrongPatientId, Guid RightPatientId, Guid? DocumentId, Guid? CorrectionId, string Summary);

/// <summary>
/// Opens a privacy incident for compliance when another patient's information was seen in the wrong chart (a misfiled
/// document, an overlay): the incident with each view the access log holds, a patient-safety notice for each physician
/// among the viewers (what they read may have shaped care), and the audit row, in the caller's transaction. Shared by
/// the misfile correction (Documents) and the overlay correction (Mpi): a workflow never references another, so the
/// piece lives in the core. 45 CFR 164.402-404: a breach is presumed unless a risk assessment shows otherwise.
/// </summary>
public static class PrivacyIncidents
{
    /// <summary>45 CFR 164.404(b): notice without unreasonable delay and in no case later than 60 calendar days after discovery.</summary>
    public const int NotificationDays = 60;

    public static async Task<(Guid Incident, int Notices)> OpenAsync(HimDbContext db, AccessAudit audit, IncidentOpening opening,
        IReadOnlyList<IncidentAccess> views, Guid? discoveredBy, DateTimeOffset now, string purpose, string auditDetails, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(opening);
        ArgumentNullException.ThrowIfNull(views);
        var incident = new PrivacyIncident
        {
            Id = Guid.CreateVersion7(now),
            Kind = opening.Kind,
            DocumentId = opening.DocumentId,
            WrongPatientId = opening.WrongPatientId,
            RightPatientId = opening.RightPatientId,
            CorrectionId = opening.CorrectionId,
            DiscoveredAt = now,
            DiscoveredByUserId = discoveredBy,
            NotificationDueAt = now.AddDays(NotificationDays),
            Summary = opening.Summary.Length <= 1000 ? opening.Summary : opening.Summary[..1000],
        };
        db.Set<PrivacyIncident>().Add(incident);
        foreach (var view in views)
        {
            db.Set<PrivacyIncidentAccess>().Add(new PrivacyIncidentAccess
            {
                IncidentId = incident.Id,
                AuditEventId = view.AuditEventId,
                OccurredAt = view.OccurredAt,
                UserId = view.UserId,
                UserName = view.UserName,
                Roles = view.Roles,
                Place = view.Place.Length <= 32 ? view.Place : view.Place[..32],
                Page = view.Page,
                Purpose = view.Purpose,
            });
        }

        // Physicians may have acted on what they read: each gets one notice, naming the chart they saw it in.
        var physicians = views.Where(v => v.UserId is not null && v.Roles.Contains(Roles.Physician, StringComparer.Ordinal))
            .GroupBy(v => v.UserId!.Value).Select(g => g.First()).ToList();
        foreach (var physician in physicians)
        {
            db.Set<PatientSafetyNotice>().Add(new PatientSafetyNotice
            {
                Id = Guid.CreateVersion7(now),
                IncidentId = incident.Id,
                UserId = physician.UserId!.Value,
                PatientId = opening.WrongPatientId,
                ViewedAt = physician.OccurredAt,
                CreatedAt = now,
            });
        }

        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "PrivacyIncident", incident.Id.ToString("D"), opening.WrongPatientId,
            purpose, $"{auditDetails}; views={views.Count}; notices={physicians.Count}"), ct);
        return (incident.Id, physicians.Count);
    }
}
