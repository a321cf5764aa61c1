using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.QualityControl;

public static class QualityOutcomes
{
    public const string Confirm = "confirm";
    public const string Correct = "correct";
}

/// <summary>
/// The reviewer's decision: confirm what was filed, or correct the encounter, type, date, author or signature (a change of
/// patient is a misfile correction, its own command). The two versions are those the reviewer saw.
/// </summary>
public sealed record CompleteQualityReviewCommand(
    Guid ReviewId,
    uint ReviewVersion,
    uint DocumentVersion,
    string? Outcome,
    Guid? EncounterId = null,
    Guid? DocumentTypeId = null,
    DateOnly? DocumentDate = null,
    string? Author = null,
    bool BearsSignature = false,
    DateTimeOffset? SignedAt = null,
    string? Notes = null);

public sealed record QualityReviewDone(string Status, string? Corrections);

public sealed class CompleteQualityReviewValidator : AbstractValidator<CompleteQualityReviewCommand>
{
    public CompleteQualityReviewValidator()
    {
        RuleFor(c => c.Outcome).Must(o => o is QualityOutcomes.Confirm or QualityOutcomes.Correct).WithMessage("Confirm or correct the filing.");
        RuleFor(c => c.DocumentTypeId).NotNull().When(c => c.Outcome == QualityOutcomes.Correct).WithMessage("Choose the document type.");
        RuleFor(c => c.Author).MaximumLength(200);
        RuleFor(c => c.Notes).MaximumLength(4000);
        RuleFor(c => c.SignedAt).Null().When(c => !c.BearsSignature).WithMessage("A signing time needs a signature.");
    }
}

/// <summary>
/// Completes a QA review in one transaction: never by the indexer (refused, audited), never twice, and only against the
/// versions the reviewer saw (a concurrent review or correction is reported, not overwritten). A correction revises the
/// DocumentReference in the same patient's record (<see cref="ClinicalRecordWriter.ReviseScannedDocumentAsync"/>),
/// updates the scanned document, and appends a <c>corrected</c> filing with the previous place and type.
/// </summary>
[RequiresPermission(Permissions.IntakeQualityReview)]
public sealed class CompleteQualityReviewHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<CompleteQualityReviewCommand> validator,
    HospitalTime time,
    TimeProvider clock) : Handler<CompleteQualityReviewCommand, Result<QualityReviewDone>>(permissions)
{
    protected override async Task<Result<QualityReviewDone>> ExecuteAsync(CompleteQualityReviewCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var actor = actors.Current;
        try
        {
            return await db.InTransactionAsync<Result<QualityReviewDone>>(async token =>
            {
                var review = await db.Set<QualityReview>().SingleOrDefaultAsync(r => r.Id == command.ReviewId, token);
                if (review is null || review.Status == QualityReviewStatuses.NotSampled)
                {
                    return Error.NotFound("There is no such QA review.");
                }

                var document = await db.Set<ScannedDocument>().SingleAsync(d => d.Id == review.DocumentId, token);
                if (review.IndexedByUserId is { } indexer && indexer == actor.UserId)
                {
                    await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Denied, ScannedDocumentAudit.ResourceType,
                        document.Id.ToString("D"), document.PatientId, ScannedDocumentAudit.OperationsPurpose,
                        $"{ScannedDocumentAudit.Places.QualityReview}; {command.Outcome}; refused: own indexing"), token);
                    return QualityErrors.OwnWork;
                }

                if (review.Status != QualityReviewStatuses.Pending)
                {
                    return QualityErrors.NotPending;
                }

                if (review.Version != command.ReviewVersion || document.Version != command.DocumentVersion)
                {
                    return QualityErrors.Changed;
                }

                if (document is not { Status: ScannedDocumentStatus.Filed, PatientId: { } patient, ClinicalNoteId: { } noteId })
                {
                    return Error.Conflict("This document is no longer filed (it was dispositioned or merged): it leaves QA.");
                }

                var now = clock.GetUtcNow();
                string? corrections = null;
                if (command.Outcome == QualityOutcomes.Correct)
                {
                    var changed = await ReviseAsync(command, document, patient, noteId, actor, now, token);
                    if (changed.Error is { } invalid)
                    {
                        return invalid;
                    }

                    corrections = changed.Value;
                }

                review.Status = corrections is null ? QualityReviewStatuses.Confirmed : QualityReviewStatuses.Corrected;
                review.Corrections = corrections;
                review.ReviewedByUserId = actor.UserId;
                review.ReviewedAt = now;
                review.Notes = string.IsNullOrWhiteSpace(command.Notes) ? null : command.Notes.Trim();
                db.Entry(review).Property(r => r.Version).OriginalValue = command.ReviewVersion;
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, ScannedDocumentAudit.ResourceType,
                    document.Id.ToString("D"), patient, ScannedDocumentAudit.OperationsPurpose,
                    $"{ScannedDocumentAudit.Places.QualityReview}; {review.Status}" + (corrections is null ? "" : $"; changed={corrections}")), token);
                return Result<QualityReviewDone>.Success(new QualityReviewDone(review.Status, corrections));
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return QualityErrors.Changed;
        }
    }

    /// <summary>Applies the reviewer's values; returns the fields that changed (none: a confirmation after all).</summary>
    private async Task<Result<string?>> ReviseAsync(CompleteQualityReviewCommand command, ScannedDocument document, Guid patient, Guid noteId,
        AuditActor actor, DateTimeOffset now, CancellationToken ct)
    {
        var type = await db.Set<DocumentType>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == command.DocumentTypeId, ct);
        if (type is null)
        {
            return Error.Invalid("Choose a document type from the catalogue.", nameof(command.DocumentTypeId));
        }

        if (command.EncounterId is { } encounter && !await db.Set<Encounter>().AnyAsync(e => e.Id == encounter && e.PatientId == patient, ct))
        {
            return Error.Invalid("The encounter is not one of this patient's: a different patient is a misfile correction.", nameof(command.EncounterId));
        }

        var author = string.IsNullOrWhiteSpace(command.Author) ? null : command.Author.Trim();
        List<string> changed = [];
        Check(document.EncounterId != command.EncounterId, "encounter");
        Check(document.DocumentTypeId != type.Id, "type");
        Check(document.DocumentDate != command.DocumentDate, "date");
        Check(!string.Equals(document.Author, author, StringComparison.Ordinal), "author");
        Check(document.BearsSignature != command.BearsSignature || document.SignedAt != command.SignedAt, "signature");
        if (changed.Count == 0)
        {
            return Result<string?>.Success(null);
        }

        var previousEncounter = document.EncounterId;
        var previousType = document.DocumentTypeId;
        document.EncounterId = command.EncounterId;
        document.DocumentTypeId = type.Id;
        document.DocumentDate = command.DocumentDate;
        document.Author = author;
        document.BearsSignature = command.BearsSignature;
        document.SignedAt = command.SignedAt;
        db.Entry(document).Property(d => d.Version).OriginalValue = command.DocumentVersion;
        await ClinicalRecordWriter.ReviseScannedDocumentAsync(db, noteId, await Indexing.NoteAsync(db, time, document, ct), clock.GetUtcNow(), ct);
        var fields = string.Join(",", changed);
        db.Set<DocumentFiling>().Add(new DocumentFiling
        {
            DocumentId = document.Id,
            Kind = FilingKinds.Corrected,
            Status = ScannedDocumentStatus.Filed,
            PatientId = patient,
            EncounterId = document.EncounterId,
            DocumentTypeId = type.Id,
            ClinicalNoteId = noteId,
            PreviousPatientId = patient,
            PreviousEncounterId = previousEncounter,
            PreviousDocumentTypeId = previousType,
            Reason = $"QA correction: {fields}" + (string.IsNullOrWhiteSpace(command.Notes) ? "" : $"; {command.Notes.Trim()}"),
            ByUserId = actor.UserId,
            At = now,
        });
        return Result<string?>.Success(fields);

        void Check(bool differs, string field)
        {
            if (differs)
            {
                changed.Add(field);
            }
        }
    }
}
