using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.GetIndexing;

/// <param name="PatientId">The patient the clerk has picked from the search, if any: their encounters are offered.</param>
public sealed record GetIndexingQuery(Guid DocumentId, Guid? PatientId = null);

public sealed record IndexingPage(Guid PageId, int Number, int Ordinal, short Rotation, bool LooksBlank, bool HasImage, bool HasThumbnail);

public sealed record IndexingDocument(
    Guid Id,
    Guid ReceivedFileId,
    ScannedDocumentStatus Status,
    string? Reason,
    string Source,
    DateTimeOffset ReceivedAt,
    int PageCount,
    Guid? PatientId,
    Guid? EncounterId,
    Guid? DocumentTypeId,
    DateOnly? DocumentDate,
    DateOnly? ServiceDate,
    string? Author,
    bool BearsSignature,
    DateTimeOffset? SignedAt,
    uint Version);

public sealed record OtherDocument(Guid Id, int PageCount, ScannedDocumentStatus Status, uint Version);

public sealed record TypeChoice(Guid Id, string Name, string? LoincCode);

public sealed record LabelChoice(string Code, string Title);

public sealed record PatientChoice(Guid Id, string Name, string? Mrn, DateOnly? BirthDate);

public sealed record EncounterChoice(Guid Id, DateTimeOffset? Start, string Class, string? Type);

public sealed record IndexingView(
    IndexingDocument Document,
    IReadOnlyList<IndexingPage> Pages,
    IReadOnlyList<OtherDocument> SameFile,
    IReadOnlyList<TypeChoice> Types,
    IReadOnlyList<LabelChoice> Labels,
    PatientChoice? Patient,
    IReadOnlyList<EncounterChoice> Encounters);

/// <summary>
/// What the indexing screen shows: the document and its pages, the other waiting documents of its file (to merge), the
/// catalogue's active types, the sensitivity labels, and the picked patient with their encounters. Reading a patient's
/// encounters for filing is a view of their record: audited with their id (healthcare operations).
/// </summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class GetIndexingHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit) : Handler<GetIndexingQuery, Result<IndexingView>>(permissions)
{
    protected override Task<Result<IndexingView>> ExecuteAsync(GetIndexingQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return db.InTransactionAsync<Result<IndexingView>>(async token =>
        {
            var document = await db.Set<ScannedDocument>().AsNoTracking().Where(d => d.Id == query.DocumentId)
                .Select(d => new IndexingDocument(d.Id, d.ReceivedFileId, d.Status, d.Reason, d.Source, d.ReceivedAt, d.PageCount, d.PatientId,
                    d.EncounterId, d.DocumentTypeId, d.DocumentDate, d.ServiceDate, d.Author, d.BearsSignature, d.SignedAt, d.Version))
                .SingleOrDefaultAsync(token);
            if (document is null)
            {
                return IndexingErrors.NotFound;
            }

            var pages = await (from dp in db.Set<ScannedDocumentPage>()
                               join p in db.Set<DocumentPage>() on dp.PageId equals p.Id
                               where dp.DocumentId == document.Id
                               orderby dp.Ordinal
                               select new IndexingPage(p.Id, p.Number, dp.Ordinal, dp.Rotation, p.LooksBlank, p.ImageObjectId != null, p.ThumbnailObjectId != null))
                .AsNoTracking().ToListAsync(token);
            var sameFile = await db.Set<ScannedDocument>().AsNoTracking()
                .Where(d => d.ReceivedFileId == document.ReceivedFileId && d.Id != document.Id
                            && (d.Status == ScannedDocumentStatus.Unindexed || d.Status == ScannedDocumentStatus.Held))
                .OrderBy(d => d.Id)
                .Select(d => new OtherDocument(d.Id, d.PageCount, d.Status, d.Version))
                .ToListAsync(token);
            var types = await db.Set<DocumentType>().AsNoTracking().Where(t => t.Active || t.Id == document.DocumentTypeId)
                .OrderBy(t => t.SortOrder).ThenBy(t => t.Name)
                .Select(t => new TypeChoice(t.Id, t.Name, t.LoincCode)).ToListAsync(token);
            var labels = await db.SensitivityLabels.AsNoTracking().Where(l => l.Active).OrderBy(l => l.Title)
                .Select(l => new LabelChoice(l.Code, l.Title)).ToListAsync(token);

            PatientChoice? patient = null;
            List<EncounterChoice> encounters = [];
            if ((query.PatientId ?? document.PatientId) is { } patientId)
            {
                patient = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == patientId)
                    .Select(p => new PatientChoice(p.Id, ((p.GivenNames ?? "") + " " + (p.FamilyName ?? "")).Trim(), p.Mrn, p.BirthDate))
                    .SingleOrDefaultAsync(token);
                if (patient is not null)
                {
                    encounters = await db.Set<Encounter>().AsNoTracking().Where(e => e.PatientId == patient.Id)
                        .WhereInForce(db)
                        .OrderByDescending(e => e.PeriodStart).ThenBy(e => e.Id)
                        .Select(e => new EncounterChoice(e.Id, e.PeriodStart, e.Class, e.TypeDisplay))
                        .ToListAsync(token);
                }
            }

            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, ScannedDocumentAudit.ResourceType, document.Id.ToString("D"),
                patient?.Id ?? document.PatientId, ScannedDocumentAudit.OperationsPurpose,
                patient is null ? ScannedDocumentAudit.Places.Indexing : $"{ScannedDocumentAudit.Places.Indexing}; encounters listed"), token);
            return Result<IndexingView>.Success(new IndexingView(document, pages, sameFile, types, labels, patient, encounters));
        }, ct);
    }
}
