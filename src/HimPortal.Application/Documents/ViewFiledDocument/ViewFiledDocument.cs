using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Documents.Pages;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.ViewFiledDocument;

public sealed record ViewFiledDocumentQuery(Guid PatientId, Guid DocumentId) : IPatientRequest;

public sealed record FiledPage(Guid PageId, int Ordinal, short Rotation);

public sealed record FiledDocumentView(Guid DocumentId, Guid NoteId, string? Type, DateOnly? DocumentDate, DateOnly? ServiceDate, string? Author,
    bool BearsSignature, IReadOnlyList<FiledPage> Pages);

/// <param name="Ordinal">0-based place of the page in the document.</param>
public sealed record ViewFiledPageQuery(Guid PatientId, Guid DocumentId, int Ordinal) : IPatientRequest;

/// <summary>
/// A filed scanned document in the chart: through the chart gate, for those who may read notes (Charts.Read), exactly as
/// a note's text is read. The document must be filed to this patient and its DocumentReference in force; else it is
/// "not found", audited as a probe. Listing the pages is a view of the DocumentReference.
/// </summary>
[RequiresPermission(Permissions.ChartsRead)]
public sealed class ViewFiledDocumentHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate) : Handler<ViewFiledDocumentQuery, ChartRead<FiledDocumentView>>(permissions)
{
    private static readonly ChartSection[] Shown = [ChartSection.NoteText];

    protected override Task<ChartRead<FiledDocumentView>> ExecuteAsync(ViewFiledDocumentQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return gate.ReadAsync<FiledDocumentView>(query.PatientId, LabelledItemsName, query.DocumentId.ToString("D"), Shown, async (entry, token) =>
        {
            var document = await FiledDocuments.Filed(db, entry.Patient.RecordIds, query.DocumentId)
                .Select(d => new
                {
                    d.Id,
                    NoteId = d.ClinicalNoteId!.Value,
                    Type = db.Set<DocumentType>().Where(t => t.Id == d.DocumentTypeId).Select(t => t.Name).FirstOrDefault(),
                    d.DocumentDate,
                    d.ServiceDate,
                    d.Author,
                    d.BearsSignature,
                })
                .SingleOrDefaultAsync(token);
            if (document is null)
            {
                return (null, Shown);
            }

            var pages = await db.Set<ScannedDocumentPage>().AsNoTracking().Where(p => p.DocumentId == document.Id).OrderBy(p => p.Ordinal)
                .Select(p => new FiledPage(p.PageId, p.Ordinal, p.Rotation)).ToListAsync(token);
            return (new FiledDocumentView(document.Id, document.NoteId, document.Type, document.DocumentDate, document.ServiceDate, document.Author,
                document.BearsSignature, pages), Shown);
        }, ct);
    }

    /// <summary>Audited as a read of the DocumentReference, as a note's text is.</summary>
    internal const string LabelledItemsName = "DocumentReference";
}

/// <summary>
/// One page image of a filed scanned document, through the chart gate; besides the gate's view row, the page view is
/// audited the one way every workflow audits it (<see cref="ScannedDocumentAudit.PageView"/>, place "chart", the
/// patient's id), which is what the misfile check reads.
/// </summary>
[RequiresPermission(Permissions.ChartsRead)]
public sealed class ViewFiledPageHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate, IDocumentStore store, AccessAudit audit)
    : Handler<ViewFiledPageQuery, ChartRead<FiledPageImage>>(permissions)
{
    private static readonly ChartSection[] Shown = [ChartSection.NoteText];

    protected override Task<ChartRead<FiledPageImage>> ExecuteAsync(ViewFiledPageQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return gate.ReadAsync<FiledPageImage>(query.PatientId, ViewFiledDocumentHandler.LabelledItemsName, query.DocumentId.ToString("D"), Shown, async (entry, token) =>
        {
            var page = await (from d in FiledDocuments.Filed(db, entry.Patient.RecordIds, query.DocumentId)
                              join dp in db.Set<ScannedDocumentPage>() on d.Id equals dp.DocumentId
                              join p in db.Set<DocumentPage>() on dp.PageId equals p.Id
                              where dp.Ordinal == query.Ordinal
                              select new { p.Number, p.ImageObjectId, d.PatientId })
                .SingleOrDefaultAsync(token);
            if (page?.ImageObjectId is not { } objectId || await GetPageImageHandler.ReadAsync(store, objectId, token) is not { } bytes)
            {
                return (null, Shown);
            }

            // The page view names the record the document is filed to (as every page view does), which under a linked
            // person may be another record than the one whose chart was opened; the gate's row names that one.
            await audit.RecordAsync(ScannedDocumentAudit.PageView(query.DocumentId, page.PatientId, ScannedDocumentAudit.Places.Chart, page.Number,
                entry.Access.PurposeOfUse), token);
            return (new FiledPageImage(bytes, "image/png", page.Number), Shown);
        }, ct);
    }
}

/// <summary>A filed document's page as the chart shows it (PNG, read whole: a page image is a few hundred kilobytes).</summary>
public sealed record FiledPageImage(byte[] Bytes, string ContentType, int Number);

internal static class FiledDocuments
{
    /// <summary>
    /// The document filed to one of these records (the patient's person's, ADR 0015) whose DocumentReference is in force:
    /// nothing of a patient outside the person answers to this address.
    /// </summary>
    public static IQueryable<ScannedDocument> Filed(HimDbContext db, Guid[] records, Guid documentId) =>
        db.Set<ScannedDocument>().AsNoTracking()
            .Where(d => d.Id == documentId && d.PatientId != null && records.Contains(d.PatientId.Value) && d.Status == ScannedDocumentStatus.Filed && d.ClinicalNoteId != null)
            .Where(d => db.Set<ClinicalNote>().Any(n => n.Id == d.ClinicalNoteId && n.PatientId == d.PatientId)
                        && !db.EnteredInError.Any(x => x.ResourceId == d.ClinicalNoteId && x.ClearedAt == null));
}
