using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Him.GetStay;

public sealed record GetStayQuery(Guid EncounterId);

public sealed record StayEventView(DateTimeOffset At, string Kind, string? Practitioner, string? Note);

public sealed record StayDeficiencyView(
    Guid Id, string Kind, string Description, string? RuleCode, string? DocumentType, Guid? ResponsiblePractitionerId, string? Responsible, bool AssignedByHim,
    string Status, DateTimeOffset DueAt, DateTimeOffset CreatedAt, string? RefusalReason, DateTimeOffset? ResolvedAt, string? Resolution, uint Version,
    IReadOnlyList<StayEventView> History);

public sealed record StayDocumentView(Guid Id, string? TypeCode, string? TypeDisplay, DateTimeOffset? Date, string? Author, bool IsSigned, string? DocStatus);

/// <summary>A practitioner of the stay (participant, performer, author), offered first when reassigning.</summary>
public sealed record StayPractitionerView(Guid Id, string? Npi, string Name, string Roles);

public sealed record StayView(
    Guid EncounterId, string EncounterFhirId, Guid PatientId, string? Mrn, string PatientName, string EncounterClass, string? Facility,
    DateTimeOffset? AdmittedAt, DateTimeOffset DischargedAt, string Status, int OpenDeficiencies, DateTimeOffset DelinquentAt, DateTimeOffset AnalysedAt,
    DateTimeOffset? CompletedAt, uint Version, IReadOnlyList<StayDeficiencyView> Deficiencies, IReadOnlyList<StayDocumentView> Documents,
    IReadOnlyList<StayPractitionerView> Practitioners);

/// <summary>
/// One stay as the HIM analyst works it (issue 18 item 2): the patient, class, facility, dates and delinquency; every
/// deficiency, open and resolved, with its history; the stay's documents (type, date, author, signed or not: an
/// authenticator with a final or amended status, or a signature given here, 42 CFR 482.24(c)(1)); and its practitioners.
/// No clinical text is read. Audited as a view of the patient's stay.
/// </summary>
[RequiresPermission(Permissions.CompletionAnalyse)]
public sealed class GetStayHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit) : Handler<GetStayQuery, Result<StayView>>(permissions)
{
    protected override async Task<Result<StayView>> ExecuteAsync(GetStayQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var head = await (
                from s in db.Stays.AsNoTracking().Where(s => s.EncounterId == query.EncounterId)
                join e in db.Set<Encounter>() on s.EncounterId equals e.Id
                join p in db.Set<Patient>() on s.PatientId equals p.Id
                from o in db.Set<Organization>().Where(o => o.Id == s.FacilityId).DefaultIfEmpty()
                select new { s, e.FhirId, p.Mrn, p.GivenNames, p.FamilyName, Facility = o == null ? null : o.Name })
            .SingleOrDefaultAsync(ct);
        if (head is null)
        {
            return Error.NotFound("There is no such stay in chart completion.");
        }

        var stay = head.s;
        var deficiencies = await (
                from d in db.Deficiencies.AsNoTracking().Where(d => d.EncounterId == stay.EncounterId)
                from r in db.CompletionRules.Where(r => r.Id == d.RuleId).DefaultIfEmpty()
                select new { d, RuleCode = r == null ? null : r.Code })
            .ToListAsync(ct);
        var ids = deficiencies.Select(d => d.d.Id).ToList();
        var events = await db.DeficiencyEvents.AsNoTracking().Where(e => ids.Contains(e.DeficiencyId)).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct);
        var documents = await db.Set<ClinicalNote>().AsNoTracking().WhereInForce(db)
            .Where(n => n.EncounterId == stay.EncounterId)
            .OrderBy(n => n.Date).ThenBy(n => n.Id)
            .Select(n => new
            {
                n.Id, n.TypeCode, n.TypeDisplay, n.Date, n.AuthorId, n.DocStatus,
                Signed = (n.AuthenticatorId != null && (n.DocStatus == "final" || n.DocStatus == "amended"))
                         || db.Signatures.Any(g => g.ResourceType == "DocumentReference" && g.ResourceId == n.Id),
            })
            .ToListAsync(ct);
        var participants = await db.Set<EncounterParticipant>().AsNoTracking().Where(p => p.ParentId == stay.EncounterId)
            .Select(p => new { p.PractitionerId, Role = p.TypeCode ?? "participant" }).ToListAsync(ct);
        var performers = await db.Set<Procedure>().AsNoTracking().Where(p => p.EncounterId == stay.EncounterId && p.PerformerId != null)
            .Select(p => new { PractitionerId = p.PerformerId!.Value, Role = "performer" }).ToListAsync(ct);

        var roles = participants.Concat(performers)
            .Concat(documents.Where(d => d.AuthorId != null).Select(d => new { PractitionerId = d.AuthorId!.Value, Role = "author" }))
            .GroupBy(p => p.PractitionerId)
            .ToDictionary(g => g.Key, g => string.Join(", ", g.Select(p => p.Role).Distinct()));
        var named = roles.Keys
            .Concat(deficiencies.Where(d => d.d.ResponsiblePractitionerId != null).Select(d => d.d.ResponsiblePractitionerId!.Value))
            .Concat(events.Where(e => e.PractitionerId != null).Select(e => e.PractitionerId!.Value))
            .Distinct().ToList();
        var practitioners = await db.Set<Practitioner>().AsNoTracking().Where(p => named.Contains(p.Id))
            .Select(p => new { p.Id, p.Npi, p.GivenNames, p.FamilyName }).ToDictionaryAsync(p => p.Id, ct);
        string? NameOf(Guid? id) => id is { } key && practitioners.TryGetValue(key, out var p) ? HimAudit.Name(p.GivenNames, p.FamilyName, p.Npi) : null;

        var history = events.ToLookup(e => e.DeficiencyId);
        var view = new StayView(stay.EncounterId, head.FhirId, stay.PatientId, head.Mrn, ListHimQueue.ListHimQueueHandler.PatientName(head.GivenNames, head.FamilyName),
            stay.EncounterClass, head.Facility, stay.AdmittedAt, stay.DischargedAt, stay.Status, stay.OpenDeficiencies, stay.DelinquentAt, stay.AnalysedAt, stay.CompletedAt,
            stay.Version,
            [.. deficiencies
                .OrderBy(d => d.d.Status == DeficiencyStatuses.Open ? 0 : 1).ThenBy(d => d.d.DueAt).ThenBy(d => d.d.Id)
                .Select(d => new StayDeficiencyView(d.d.Id, d.d.Kind, d.d.Description, d.RuleCode, d.d.DocumentType, d.d.ResponsiblePractitionerId,
                    NameOf(d.d.ResponsiblePractitionerId), d.d.AssignedByHim, d.d.Status, d.d.DueAt, d.d.CreatedAt, d.d.RefusalReason, d.d.ResolvedAt,
                    d.d.Resolution, d.d.Version,
                    [.. history[d.d.Id].Select(e => new StayEventView(e.At, e.Kind, NameOf(e.PractitionerId), e.Note))]))],
            [.. documents.Select(d => new StayDocumentView(d.Id, d.TypeCode, d.TypeDisplay, d.Date, NameOf(d.AuthorId), d.Signed, d.DocStatus))],
            [.. roles.Select(r => new StayPractitionerView(r.Key, practitioners.GetValueOrDefault(r.Key)?.Npi, NameOf(r.Key) ?? "(unknown practitioner)", r.Value))
                .OrderBy(p => p.Name, StringComparer.Ordinal)]);

        await audit.RecordAloneAsync(HimAudit.Of(AuditAction.View, stay.EncounterId, stay.PatientId, "stay",
            $"{view.Deficiencies.Count} deficiencies; {view.Documents.Count} documents listed (no text)"), ct);
        return Result<StayView>.Success(view);
    }
}
