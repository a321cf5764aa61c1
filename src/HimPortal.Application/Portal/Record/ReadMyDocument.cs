using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Portal.Record;

public sealed record ReadMyDocumentQuery(Guid PatientId, Guid DocumentId) : IPatientRequest;

/// <param name="Ordinal">0-based place of the page in the document (the page address's <c>ordinal</c>).</param>
/// <param name="Rotation">The clerk's rotation, clockwise, which the page shows as the staff viewer does.</param>
public sealed record MyDocumentPage(int Ordinal, short Rotation);

/// <summary>A scanned or faxed document of the person's record as the portal shows it: what it is, and its pages.</summary>
public sealed record MyDocumentView(Guid Id, Guid NoteId, string Title, DateOnly? DocumentDate, string? Author, IReadOnlyList<MyDocumentPage> Pages)
{
    public AmendmentMark? Amendment { get; init; }
}

/// <param name="Ordinal">0-based place of the page in the document.</param>
public sealed record ReadMyDocumentPageQuery(Guid PatientId, Guid DocumentId, int Ordinal) : IPatientRequest;

/// <summary>One page image, open for streaming (PNG); the caller disposes <see cref="Content"/> (FileStreamResult does).</summary>
public sealed record MyDocumentPageImage(Stream Content, string ContentType, int Ordinal);

/// <summary>
/// A scanned document's pages in the portal (issue 19 item 3; 45 CFR 164.524): through the chart gate as the patient
/// themselves, only a document filed to one of the person's records (<see cref="PortalScans.Filed"/>), and only one the
/// portal shows (<see cref="PortalVisibility"/> on its DocumentReference: psychotherapy notes, a minor's own care from a
/// representative whose grant hides it, an information-blocking hold). Any other id, of another person's document among
/// them, is "not found" and the attempt audited naming the id asked for, never the document's patient.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class ReadMyDocumentHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate) : Handler<ReadMyDocumentQuery, ChartRead<MyDocumentView>>(permissions)
{
    private static readonly ChartSection[] Shown = [ChartSection.NoteText];

    protected override Task<ChartRead<MyDocumentView>> ExecuteAsync(ReadMyDocumentQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return gate.ReadAsync<MyDocumentView>(query.PatientId, AccessIntent.PatientSelf, ScannedDocumentAudit.ResourceType, query.DocumentId.ToString("D"), Shown,
            async (entry, token) =>
            {
                var records = entry.Patient.RecordIds;
                var document = await PortalScans.Filed(db, records, query.DocumentId)
                    .Select(d => new
                    {
                        NoteId = d.ClinicalNoteId!.Value,
                        Type = db.Set<DocumentType>().Where(t => t.Id == d.DocumentTypeId).Select(t => t.Name).FirstOrDefault(),
                        Note = db.Set<ClinicalNote>().Where(n => n.Id == d.ClinicalNoteId).Select(n => new { n.TypeDisplay, n.EncounterId }).First(),
                        d.DocumentDate,
                        d.Author,
                    })
                    .SingleOrDefaultAsync(token);
                if (document is null
                    || !(await PortalVisibility.ReadAsync(db, records, entry.Proxy, token)).Shows(LabelledItems.DocumentReference, document.NoteId, document.Note.EncounterId))
                {
                    return (null, Shown);
                }

                var pages = await db.Set<ScannedDocumentPage>().AsNoTracking().Where(p => p.DocumentId == query.DocumentId).OrderBy(p => p.Ordinal)
                    .Select(p => new MyDocumentPage(p.Ordinal, p.Rotation)).ToListAsync(token);
                var amendment = await PortalAmendments.MarkAsync(db, records, LabelledItems.DocumentReference, document.NoteId, token);
                return (new MyDocumentView(query.DocumentId, document.NoteId, document.Type ?? document.Note.TypeDisplay ?? "A scanned document",
                    document.DocumentDate, document.Author, pages) { Amendment = amendment }, Shown);
            }, ct);
    }
}

/// <summary>
/// One page image of a scanned document in the portal: the same gate and the same rules as <see cref="ReadMyDocumentHandler"/>;
/// besides the gate's view row, the page view is audited the one way every workflow audits it
/// (<see cref="ScannedDocumentAudit.PageView"/>, place "portal", the record the document is filed to), which is what the
/// misfile check reads (45 CFR 164.402). The bytes are streamed from the store after the commit, never held whole.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class ReadMyDocumentPageHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate, AccessAudit audit, IDocumentStore store)
    : Handler<ReadMyDocumentPageQuery, ChartRead<MyDocumentPageImage>>(permissions)
{
    private static readonly ChartSection[] Shown = [ChartSection.NoteText];

    private sealed record Located(Guid ObjectId);

    protected override async Task<ChartRead<MyDocumentPageImage>> ExecuteAsync(ReadMyDocumentPageQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var read = await gate.ReadAsync<Located>(query.PatientId, AccessIntent.PatientSelf, ScannedDocumentAudit.ResourceType, query.DocumentId.ToString("D"), Shown,
            async (entry, token) =>
            {
                var records = entry.Patient.RecordIds;
                var page = await (from d in PortalScans.Filed(db, records, query.DocumentId)
                                  join dp in db.Set<ScannedDocumentPage>() on d.Id equals dp.DocumentId
                                  join p in db.Set<DocumentPage>() on dp.PageId equals p.Id
                                  join n in db.Set<ClinicalNote>() on d.ClinicalNoteId equals n.Id
                                  where dp.Ordinal == query.Ordinal
                                  select new { p.Number, p.ImageObjectId, d.PatientId, NoteId = n.Id, n.EncounterId })
                    .SingleOrDefaultAsync(token);
                if (page?.ImageObjectId is not { } objectId
                    || !(await PortalVisibility.ReadAsync(db, records, entry.Proxy, token)).Shows(LabelledItems.DocumentReference, page.NoteId, page.EncounterId))
                {
                    return (null, Shown);
                }

                await audit.RecordAsync(ScannedDocumentAudit.PageView(query.DocumentId, page.PatientId, ScannedDocumentAudit.Places.Portal, page.Number,
                    entry.Access.PurposeOfUse), token);
                return (new Located(objectId), Shown);
            }, ct);
        if (read.Status != ChartReadStatus.Shown)
        {
            return new ChartRead<MyDocumentPageImage>(read.Status, read.Entry, null);
        }

        // Opened after the commit (as a copy's download is): the store streams the object from the wire.
        var stream = await store.OpenReadAsync(read.Content!.ObjectId, ct);
        return stream is null
            ? ChartRead<MyDocumentPageImage>.NotFound(read.Entry)
            : ChartRead<MyDocumentPageImage>.Shown(read.Entry!, new MyDocumentPageImage(stream, "image/png", query.Ordinal));
    }
}

/// <summary>
/// Which scanned documents the portal shows of a person's records. Only a document <b>filed</b> to one of them whose
/// DocumentReference is in force: never one still in the intake queue (unindexed, held, or dispositioned: it is nobody's
/// record yet), never one merged away. Nor, while it waits in quality control's queue (a filing drawn for review, which
/// may find it filed to the wrong patient), one whose owner is not yet confirmed: the staff chart shows it meanwhile, but
/// showing a patient another person's pages would be an impermissible disclosure (45 CFR 164.502(a)) and a breach to
/// notify (164.402), whereas the review is a short, routine check of what was just filed; the note is listed again as
/// soon as it is confirmed or corrected. It is not a release step (45 CFR 171.103): nothing waits for anyone's approval
/// of its content.
/// </summary>
public static class PortalScans
{
    /// <summary>
    /// The same rule in SQL, for a DocumentReference <paramref name="noteColumn"/> of "my record"'s lists: the note is not a
    /// scanned document waiting in quality control.
    /// </summary>
    public static string NotUnderReview(string noteColumn) => $"""
        NOT EXISTS (SELECT 1 FROM documents.documents s JOIN documents.quality_reviews q ON q.document_id = s.id
                    WHERE s.clinical_note_id = {noteColumn} AND q.status = '{QualityReviewStatuses.Pending}')
        """;

    /// <summary>The filed scanned document, if any, of a DocumentReference <paramref name="noteColumn"/>: its id, for the link to its pages.</summary>
    public static string ScanOf(string noteColumn) => $"""
        (SELECT s.id FROM documents.documents s WHERE s.clinical_note_id = {noteColumn} AND s.status = 'filed' LIMIT 1)
        """;

    public static IQueryable<ScannedDocument> Filed(HimDbContext db, Guid[] records, Guid documentId)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Set<ScannedDocument>().AsNoTracking()
            .Where(d => d.Id == documentId && d.Status == ScannedDocumentStatus.Filed && d.PatientId != null && records.Contains(d.PatientId.Value)
                        && d.ClinicalNoteId != null)
            .Where(d => db.Set<ClinicalNote>().Any(n => n.Id == d.ClinicalNoteId && n.PatientId == d.PatientId)
                        && !db.EnteredInError.Any(x => x.ResourceId == d.ClinicalNoteId && x.ClearedAt == null))
            .Where(d => !db.Set<QualityReview>().Any(q => q.DocumentId == d.Id && q.Status == QualityReviewStatuses.Pending));
    }

    /// <summary>Whether a note is a scanned document waiting in quality control (for <see cref="ReadMyNoteHandler"/>).</summary>
    public static IQueryable<ClinicalNote> NotUnderReview(this IQueryable<ClinicalNote> notes, HimDbContext db) =>
        notes.Where(n => !db.Set<ScannedDocument>().Any(s => s.ClinicalNoteId == n.Id
                                                             && db.Set<QualityReview>().Any(q => q.DocumentId == s.Id && q.Status == QualityReviewStatuses.Pending)));
}
