using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Clocks;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Portal;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Amendments.GetAmendment;

public sealed record GetAmendmentQuery(Guid AmendmentId);

/// <summary>A practitioner a request can be routed to, and why they are offered.</summary>
public sealed record AuthorChoice(Guid PractitionerId, string Name, string? Npi, string Why);

public sealed record AmendmentEventView(DateTimeOffset At, string Kind, string? Note);

public sealed record AmendmentRecipientView(string Name, string? Address, string Source, DateTimeOffset? SentAt, string? SentHow)
{
    public Guid Id { get; init; }

    /// <summary>A letter to print was written for this recipient (a postal address); HIM downloads it.</summary>
    public bool HasLetter { get; init; }

    /// <summary>When HIM marked the letter printed and mailed.</summary>
    public DateTimeOffset? MailedAt { get; init; }
}

/// <summary>One request with everything HIM and the author act on.</summary>
public sealed record AmendmentDetail(
    Guid Id,
    string Display,
    Guid PatientId,
    string PatientName,
    string? Mrn,
    string ResourceType,
    Guid ResourceId,
    string ItemDescription,
    string? ItemText,
    string RequestedChange,
    string Reason,
    string Status,
    DateTimeOffset ReceivedAt,
    DateTimeOffset DueAt,
    DateTimeOffset? ExtendedAt,
    string? ExtensionReason,
    Guid? AuthorPractitionerId,
    string? AuthorName,
    DateTimeOffset? DecidedAt,
    string? DenialGround,
    string? DenialExplanation,
    Guid? AmendmentDocumentId,
    string? DisagreementText,
    string? RebuttalText,
    bool ByRepresentative,
    AmendmentDue Due,
    uint Version,
    IReadOnlyList<AuthorChoice> Suggestions,
    IReadOnlyList<AmendmentEventView> History,
    IReadOnlyList<AmendmentRecipientView> Recipients)
{
    public bool IsOpen => AmendmentClock.IsOpen(Status);

    /// <summary>One extension, and only while the request is open (45 CFR 164.526(b)(2)(ii)).</summary>
    public bool MayExtend => IsOpen && ExtendedAt is null;

    public bool MayRebut => Status == AmendmentStatuses.Denied && DisagreementText is not null && RebuttalText is null;
}

/// <summary>
/// One request to amend, for HIM (Completion.Analyse): the request, the item as the patient saw it, its history and
/// recipients, and the practitioners the record names for the item (its author, performer, orderer, or the visit's
/// clinicians) to route it to. Audited as a view of the patient's data.
/// </summary>
[RequiresPermission(Permissions.CompletionAnalyse)]
public sealed class GetAmendmentHandler(PermissionCheck permissions, HimDbContext db, AmendmentDesk desk, TimeProvider clock)
    : Handler<GetAmendmentQuery, Result<AmendmentDetail>>(permissions)
{
    protected override Task<Result<AmendmentDetail>> ExecuteAsync(GetAmendmentQuery query, CancellationToken ct) =>
        db.InTransactionAsync<Result<AmendmentDetail>>(async token =>
        {
            var detail = await AmendmentDetails.LoadAsync(db, query.AmendmentId, clock.GetUtcNow(), token);
            if (detail is null)
            {
                return Error.NotFound("There is no such request to amend.");
            }

            await desk.AuditAsync(Audit.AuditAction.View, detail.Request, "completion.amendment", token);
            return Result<AmendmentDetail>.Success(detail.View);
        }, ct);
}

/// <summary>Reads one request's detail, for HIM's page and the author's.</summary>
public static class AmendmentDetails
{
    public sealed record Loaded(AmendmentRequest Request, AmendmentDetail View);

    public static async Task<Loaded?> LoadAsync(HimDbContext db, Guid id, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var a = await db.AmendmentRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (a is null)
        {
            return null;
        }

        var patient = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == a.PatientId).Select(p => new { p.GivenNames, p.FamilyName, p.Mrn }).SingleAsync(ct);
        var author = await db.Set<Practitioner>().AsNoTracking().Where(p => p.Id == a.AuthorPractitionerId)
            .Select(p => p.GivenNames + " " + p.FamilyName).FirstOrDefaultAsync(ct);
        var itemText = a.ResourceType == "DocumentReference"
            ? await db.Set<ClinicalNote>().AsNoTracking().Where(n => n.Id == a.ResourceId).Select(n => n.Text).FirstOrDefaultAsync(ct)
            : null;
        var history = await db.AmendmentEvents.AsNoTracking().Where(e => e.AmendmentId == id).OrderBy(e => e.At).ThenBy(e => e.Id)
            .Select(e => new AmendmentEventView(e.At, e.Kind, e.Note)).ToListAsync(ct);
        var recipients = await db.AmendmentRecipients.AsNoTracking().Where(r => r.AmendmentId == id).OrderBy(r => r.Source).ThenBy(r => r.Name)
            .Select(r => new AmendmentRecipientView(r.Name, r.Address, r.Source, r.SentAt, r.SentHow) { Id = r.Id, HasLetter = r.LetterObjectId != null, MailedAt = r.MailedAt })
            .ToListAsync(ct);
        var suggestions = await SuggestionsAsync(db, a.ResourceType, a.ResourceId, ct);
        var view = new AmendmentDetail(a.Id, a.Display, a.PatientId, Inbox.GetInbox.GetInboxHandler.Name(patient.GivenNames, patient.FamilyName), patient.Mrn,
            a.ResourceType, a.ResourceId, a.ItemDescription, itemText, a.RequestedChange, a.Reason, a.Status, a.ReceivedAt, a.DueAt, a.ExtendedAt,
            a.ExtensionReason, a.AuthorPractitionerId, author, a.DecidedAt, a.DenialGround, a.DenialExplanation, a.AmendmentDocumentId,
            a.DisagreementText, a.RebuttalText, a.ProxyGrantId is not null, AmendmentClock.Mark(a.Status, a.DueAt, now), a.Version,
            suggestions, history, recipients);
        return new Loaded(a, view);
    }

    /// <summary>
    /// Who the record names for the item: a note's author, a procedure's performer, an order's orderer; then the clinicians
    /// of the item's visit (attending first). The author of an entry answers for it (45 CFR 164.526(a)(2)(i) presumes the
    /// entry's originator acts on it).
    /// </summary>
    private static async Task<IReadOnlyList<AuthorChoice>> SuggestionsAsync(HimDbContext db, string type, Guid id, CancellationToken ct)
    {
        var named = type switch
        {
            "DocumentReference" => await db.Set<ClinicalNote>().Where(n => n.Id == id).Select(n => new { Who = n.AuthorId, n.EncounterId }).FirstOrDefaultAsync(ct),
            "Procedure" => await db.Set<Procedure>().Where(n => n.Id == id).Select(n => new { Who = n.PerformerId, n.EncounterId }).FirstOrDefaultAsync(ct),
            "MedicationRequest" => await db.Set<MedicationRequest>().Where(n => n.Id == id).Select(n => new { Who = n.RequesterId, n.EncounterId }).FirstOrDefaultAsync(ct),
            "Encounter" => new { Who = (Guid?)null, EncounterId = (Guid?)id },
            "Condition" => await db.Set<Condition>().Where(n => n.Id == id).Select(n => new { Who = (Guid?)null, n.EncounterId }).FirstOrDefaultAsync(ct),
            "Observation" => await db.Set<Observation>().Where(n => n.Id == id).Select(n => new { Who = (Guid?)null, n.EncounterId }).FirstOrDefaultAsync(ct),
            "DiagnosticReport" => await db.Set<DiagnosticReport>().Where(n => n.Id == id).Select(n => new { Who = (Guid?)null, n.EncounterId }).FirstOrDefaultAsync(ct),
            _ => null,
        };
        var choices = new List<AuthorChoice>();
        if (named?.Who is { } who)
        {
            var why = type switch
            {
                "DocumentReference" => "wrote the note",
                "Procedure" => "performed the procedure",
                _ => "ordered the medicine",
            };
            choices.AddRange(await db.Set<Practitioner>().AsNoTracking().Where(p => p.Id == who)
                .Select(p => new AuthorChoice(p.Id, p.GivenNames + " " + p.FamilyName, p.Npi, why)).ToListAsync(ct));
        }

        if (named?.EncounterId is { } encounter)
        {
            var clinicians = await db.Set<EncounterParticipant>().AsNoTracking().Where(e => e.ParentId == encounter)
                .OrderBy(e => e.TypeCode == "ATND" ? 0 : 1).ThenBy(e => e.Ordinal)
                .Join(db.Set<Practitioner>(), e => e.PractitionerId, p => p.Id, (e, p) => new { p.Id, Name = p.GivenNames + " " + p.FamilyName, p.Npi, e.TypeCode })
                .Take(10).ToListAsync(ct);
            choices.AddRange(clinicians.Where(c => choices.All(x => x.PractitionerId != c.Id)).DistinctBy(c => c.Id)
                .Select(c => new AuthorChoice(c.Id, c.Name, c.Npi, c.TypeCode == "ATND" ? "attending of the visit" : "clinician of the visit")));
        }

        return choices;
    }
}
