using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.QualityControl;

public sealed record GetQualityReviewQuery(Guid ReviewId);

public sealed record QualityReviewPage(int Number, Guid PageId, short Rotation);

public sealed record EncounterChoice(Guid Id, DateTimeOffset? Start, string? Type);

public sealed record TypeChoice(Guid Id, string Name, string? LoincCode);

/// <summary>What the reviewer checks: the pages and what the indexer filed.</summary>
public sealed record QualityReviewView(
    Guid ReviewId,
    uint ReviewVersion,
    string Status,
    Guid DocumentId,
    uint DocumentVersion,
    string IndexedBy,
    string? IndexerName,
    DateTimeOffset FiledAt,
    Guid PatientId,
    string PatientName,
    string? PatientMrn,
    DateOnly? PatientBirthDate,
    Guid? EncounterId,
    Guid? DocumentTypeId,
    string? TypeName,
    DateOnly? DocumentDate,
    string? Author,
    bool BearsSignature,
    DateTimeOffset? SignedAt,
    IReadOnlyList<QualityReviewPage> Pages,
    IReadOnlyList<EncounterChoice> Encounters,
    IReadOnlyList<TypeChoice> Types);

/// <summary>
/// Opens a drawn filing for review. Refused (and the refusal audited) to the clerk who indexed it: QA is another
/// person's check. Opening it is an audited view of the document under its patient, purpose operations.
/// </summary>
[RequiresPermission(Permissions.IntakeQualityReview)]
public sealed class GetQualityReviewHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors)
    : Handler<GetQualityReviewQuery, Result<QualityReviewView>>(permissions)
{
    protected override async Task<Result<QualityReviewView>> ExecuteAsync(GetQualityReviewQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await db.InTransactionAsync<Result<QualityReviewView>>(async token =>
        {
            var found = await QualityAccess.OpenAsync(db, audit, actors, query.ReviewId, "opened", token);
            if (found.Error is { } refused)
            {
                return refused;
            }

            var (review, document) = found.Value;
            var patient = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == document.PatientId)
                .Select(p => new { Name = ((p.GivenNames ?? "") + " " + (p.FamilyName ?? "")).Trim(), p.Mrn, p.BirthDate }).SingleAsync(token);
            var pages = await db.Set<ScannedDocumentPage>().AsNoTracking().Where(p => p.DocumentId == document.Id).OrderBy(p => p.Ordinal)
                .Select(p => new { p.PageId, p.Rotation }).ToListAsync(token);
            var encounters = await db.Set<Encounter>().AsNoTracking().Where(e => e.PatientId == document.PatientId)
                .OrderByDescending(e => e.PeriodStart).Take(200)
                .Select(e => new EncounterChoice(e.Id, e.PeriodStart, e.TypeDisplay)).ToListAsync(token);
            var types = await db.Set<DocumentType>().AsNoTracking().Where(t => t.Active || t.Id == document.DocumentTypeId)
                .OrderBy(t => t.SortOrder).Select(t => new TypeChoice(t.Id, t.Name, t.LoincCode)).ToListAsync(token);
            var indexer = review.IndexedByUserId is { } by ? await db.Users.Where(u => u.Id == by).Select(u => u.DisplayName).FirstOrDefaultAsync(token) : "System (cover sheet)";
            return Result<QualityReviewView>.Success(new QualityReviewView(review.Id, review.Version, review.Status, document.Id, document.Version,
                review.IndexedBy ?? "clerk", indexer, review.FiledAt, document.PatientId!.Value, patient.Name, patient.Mrn, patient.BirthDate,
                document.EncounterId, document.DocumentTypeId, types.FirstOrDefault(t => t.Id == document.DocumentTypeId)?.Name, document.DocumentDate,
                document.Author, document.BearsSignature, document.SignedAt,
                [.. pages.Select((p, i) => new QualityReviewPage(i + 1, p.PageId, p.Rotation))], encounters, types));
        }, ct);
    }
}

/// <summary>The checks every QA read makes: the review exists, its document is filed, and the reader did not index it.</summary>
internal static class QualityAccess
{
    public static async Task<Result<(QualityReview Review, ScannedDocument Document)>> OpenAsync(HimDbContext db, AccessAudit audit,
        IAuditActorAccessor actors, Guid reviewId, string what, CancellationToken ct)
    {
        var review = await db.Set<QualityReview>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == reviewId, ct);
        if (review is null || review.Status == QualityReviewStatuses.NotSampled)
        {
            return Error.NotFound("There is no such QA review.");
        }

        var document = await db.Set<ScannedDocument>().AsNoTracking().SingleAsync(d => d.Id == review.DocumentId, ct);
        if (review.IndexedByUserId is { } indexer && indexer == actors.Current.UserId)
        {
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Denied, ScannedDocumentAudit.ResourceType,
                document.Id.ToString("D"), document.PatientId, ScannedDocumentAudit.OperationsPurpose,
                $"{ScannedDocumentAudit.Places.QualityReview}; {what}; refused: own indexing"), ct);
            return QualityErrors.OwnWork;
        }

        if (document is not { Status: ScannedDocumentStatus.Filed, PatientId: not null })
        {
            return Error.Conflict("This document is no longer filed (it was dispositioned or merged): it leaves QA.");
        }

        if (what == "opened")
        {
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, ScannedDocumentAudit.ResourceType,
                document.Id.ToString("D"), document.PatientId, ScannedDocumentAudit.OperationsPurpose,
                $"{ScannedDocumentAudit.Places.QualityReview}; opened"), ct);
        }

        return Result<(QualityReview, ScannedDocument)>.Success((review, document));
    }
}
