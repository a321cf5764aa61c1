using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Inbox.OpenDeficiency;

public sealed record OpenDeficiencyQuery(Guid DeficiencyId);

/// <summary>One deficiency of the physician's, with what they sign (the entry and the hash of what is shown) or the draft they write.</summary>
public sealed record DeficiencyView(
    Guid Id,
    string Kind,
    string Description,
    string? RuleName,
    string? DocumentType,
    Guid PatientId,
    string PatientName,
    string? Mrn,
    Guid EncounterId,
    DateTimeOffset? AdmittedAt,
    DateTimeOffset DischargedAt,
    DateTimeOffset DueAt,
    uint Version,
    Guid? DocumentId,
    string? DocumentTitle,
    DateTimeOffset? DocumentDate,
    Guid? OrderId,
    string? OrderDisplay,
    SignedContent? Content,
    Guid? DraftId)
{
    public bool Signs => Kind is DeficiencyKinds.Signature or DeficiencyKinds.OrderAuthentication;

    /// <summary>A document the physician can write: one the rules name by LOINC type (discharge summary, H&amp;P, operative report, update note).</summary>
    public bool Writes => Kind is DeficiencyKinds.MissingDocument or DeficiencyKinds.MissingUpdateNote or DeficiencyKinds.LateDocument && DocumentType is not null;
}

/// <summary>
/// Opens one of the physician's open deficiencies through the chart gate (the responsible physician was a participant of
/// the stay, so the treatment relationship opens the chart; the view is audited like any chart read): for a signature,
/// the entry's content as it will be signed and its SHA-256.
/// </summary>
[RequiresPermission(Permissions.CompletionSign)]
public sealed class OpenDeficiencyHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate, InboxSigning signing, IDocumentStore store)
    : Handler<OpenDeficiencyQuery, ChartRead<DeficiencyView>>(permissions)
{
    private static readonly ChartSection[] Shown = [ChartSection.NoteText];

    protected override async Task<ChartRead<DeficiencyView>> ExecuteAsync(OpenDeficiencyQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var practitioners = signing.Practitioners();
        var userId = signing.UserId;
        var found = await db.Deficiencies.AsNoTracking()
            .Where(d => d.Id == query.DeficiencyId && d.Status == DeficiencyStatuses.Open && d.ResponsiblePractitionerId != null
                        && practitioners.Contains(d.ResponsiblePractitionerId.Value))
            .Select(d => new { d.PatientId, d.DocumentId, d.OrderId, d.EncounterId })
            .SingleOrDefaultAsync(ct);
        if (found is null)
        {
            return ChartRead<DeficiencyView>.NotFound();
        }

        var (type, id) = found.DocumentId is { } document ? ("DocumentReference", document)
            : found.OrderId is { } order ? ("MedicationRequest", order)
            : ("Encounter", found.EncounterId);
        return await gate.ReadAsync<DeficiencyView>(found.PatientId, type, id.ToString("D"), Shown, async (entry, token) =>
        {
            var view = await db.Deficiencies.AsNoTracking()
                .Where(d => d.Id == query.DeficiencyId)
                .Select(d => new DeficiencyView(
                    d.Id, d.Kind, d.Description,
                    db.CompletionRules.Where(r => r.Id == d.RuleId).Select(r => r.Name).FirstOrDefault(),
                    d.DocumentType, d.PatientId, "", null, d.EncounterId,
                    db.Stays.Where(s => s.EncounterId == d.EncounterId).Select(s => s.AdmittedAt).FirstOrDefault(),
                    d.DischargedAt, d.DueAt, d.Version, d.DocumentId,
                    db.Set<ClinicalNote>().Where(n => n.Id == d.DocumentId).Select(n => n.TypeDisplay).FirstOrDefault(),
                    db.Set<ClinicalNote>().Where(n => n.Id == d.DocumentId).Select(n => n.Date).FirstOrDefault(),
                    d.OrderId,
                    db.Set<MedicationRequest>().Where(m => m.Id == d.OrderId).Select(m => m.MedicationDisplay).FirstOrDefault(),
                    null,
                    db.DocumentDrafts.Where(x => x.DeficiencyId == d.Id && x.AuthorUserId == userId && x.Status == "draft").Select(x => (Guid?)x.Id).FirstOrDefault()))
                .SingleAsync(token);
            var content = view.DocumentId is { } noteId ? await SignedContent.OfNoteAsync(db, store, noteId, token)
                : view.OrderId is { } orderId ? await SignedContent.OfOrderAsync(db, orderId, token)
                : null;
            var header = entry.Patient;
            return (view with { PatientName = GetInbox.GetInboxHandler.Name(header.GivenNames, header.FamilyName), Mrn = header.Mrn, Content = content }, Shown);
        }, ct);
    }
}
