using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Portal.Record;

public sealed record ReadMyNoteQuery(Guid PatientId, Guid NoteId) : IPatientRequest;

/// <summary>One note or document's text as the portal shows it, with its correction or statement of disagreement.</summary>
public sealed record MyNoteView(Guid Id, string Title, DateTimeOffset? Date, string? Author, string? Text, string? VisitKind, DateTimeOffset? VisitStart)
{
    public AmendmentMark? Amendment { get; init; }

    /// <summary>When the note was filed from a scan or fax: the scanned document, whose pages the portal shows.</summary>
    public Guid? ScannedDocumentId { get; init; }
}

/// <summary>
/// A note's text in the portal (45 CFR 164.524), read through the chart gate as the patient themselves and audited with
/// the note's id. A note of anyone else's, entered-in-error, a psychotherapy note, one hidden from a representative or
/// one under an information-blocking hold, or a scanned one waiting in quality control (<see cref="PortalScans"/>) is "not found", and the attempt is audited naming the id asked for.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class ReadMyNoteHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate) : Handler<ReadMyNoteQuery, ChartRead<MyNoteView>>(permissions)
{
    private static readonly ChartSection[] Shown = [ChartSection.NoteText];

    protected override Task<ChartRead<MyNoteView>> ExecuteAsync(ReadMyNoteQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return gate.ReadAsync<MyNoteView>(query.PatientId, AccessIntent.PatientSelf, "DocumentReference", query.NoteId.ToString("D"), Shown, async (entry, token) =>
        {
            // A note of any record of the person (ADR 0015); one of a record outside it is not found.
            var records = entry.Patient.RecordIds;
            var note = await db.Set<ClinicalNote>().AsNoTracking()
                .Where(n => n.Id == query.NoteId && records.Contains(n.PatientId))
                .WhereInForce(db)
                .NotUnderReview(db)
                .Select(n => new
                {
                    n.EncounterId,
                    Scan = db.Set<ScannedDocument>().Where(s => s.ClinicalNoteId == n.Id && s.Status == ScannedDocumentStatus.Filed).Select(s => (Guid?)s.Id).FirstOrDefault(),
                    View = new MyNoteView(n.Id, n.TypeDisplay ?? "A note", n.Date,
                        db.Set<Practitioner>().Where(p => p.Id == n.AuthorId).Select(p => p.GivenNames + " " + p.FamilyName).FirstOrDefault(),
                        n.Text,
                        db.Set<Encounter>().Where(e => e.Id == n.EncounterId).Select(e => e.Class).FirstOrDefault(),
                        db.Set<Encounter>().Where(e => e.Id == n.EncounterId).Select(e => e.PeriodStart).FirstOrDefault()),
                })
                .SingleOrDefaultAsync(token);
            if (note is null)
            {
                return (null, Shown);
            }

            var visibility = await PortalVisibility.ReadAsync(db, records, entry.Proxy, token);
            if (!visibility.Shows(LabelledItems.DocumentReference, note.View.Id, note.EncounterId))
            {
                return (null, Shown);
            }

            var mark = await PortalAmendments.MarkAsync(db, records, LabelledItems.DocumentReference, query.NoteId, token);
            return (note.View with { VisitKind = note.View.VisitKind is { } kind ? PlainWords.VisitKind(kind) : null, Amendment = mark, ScannedDocumentId = note.Scan }, Shown);
        }, ct);
    }
}

/// <summary>The accepted correction or statement of disagreement shown beside an item (45 CFR 164.526(c)(1), (d)(4)): the newest.</summary>
public static class PortalAmendments
{
    public static async Task<AmendmentMark?> MarkAsync(HimDbContext db, Guid[] records, string resourceType, Guid resourceId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var amendment = await db.AmendmentRequests.AsNoTracking()
            .Where(a => records.Contains(a.PatientId) && a.ResourceType == resourceType && a.ResourceId == resourceId
                        && (a.Status == "accepted" || (a.Status == "denied" && a.DisagreementText != null)))
            .OrderByDescending(a => a.ReceivedAt)
            .Select(a => new
            {
                a.Status, a.DecidedAt, a.ReceivedAt, a.DisagreementAt, a.DisagreementText, a.RequestedChange, a.Number,
                Text = db.Set<ClinicalNote>().Where(d => d.Id == a.AmendmentDocumentId).Select(d => d.Text).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(ct);
        return amendment switch
        {
            null => null,
            { Status: "accepted" } a => new AmendmentMark(true, a.DecidedAt ?? a.ReceivedAt, a.Text ?? a.RequestedChange, $"AMD-{a.Number:D6}"),
            var a => new AmendmentMark(false, a.DisagreementAt ?? a.ReceivedAt, a.DisagreementText!, $"AMD-{a.Number:D6}"),
        };
    }
}
