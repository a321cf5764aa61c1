using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Access;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.FileDocument;

/// <param name="Version">The document's version when the form was read: a stale form changes nothing.</param>
/// <param name="EncounterId">One of the patient's encounters, or null for "no encounter".</param>
/// <param name="Labels">Sensitivity label codes the clerk saw on the paper (a 42 CFR Part 2 notice, psychotherapy notes, minor-consented care).</param>
public sealed record FileDocumentCommand(
    Guid DocumentId,
    uint Version,
    Guid PatientId,
    Guid? EncounterId,
    Guid DocumentTypeId,
    DateOnly? DocumentDate,
    DateOnly? ServiceDate,
    string? Author,
    bool BearsSignature,
    DateTimeOffset? SignedAt,
    IReadOnlyList<string> Labels);

/// <param name="ClinicalNoteId">The DocumentReference filed in the patient's record.</param>
public sealed record FiledDocument(Guid DocumentId, Guid PatientId, Guid ClinicalNoteId);

public sealed class FileDocumentValidator : AbstractValidator<FileDocumentCommand>
{
    public FileDocumentValidator(TimeProvider clock)
    {
        var tomorrow = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(1);
        RuleFor(c => c.DocumentId).NotEmpty();
        RuleFor(c => c.PatientId).NotEmpty().WithMessage("Find the patient and choose them.");
        RuleFor(c => c.DocumentTypeId).NotEmpty().WithMessage("Choose the document type.");
        RuleFor(c => c.DocumentDate).NotNull().WithMessage("Enter the date the document bears.")
            .LessThanOrEqualTo(tomorrow).WithMessage("The document's date is in the future.");
        RuleFor(c => c.ServiceDate).LessThanOrEqualTo(tomorrow).WithMessage("The date of service is in the future.");
        RuleFor(c => c.Author).MaximumLength(200);
        RuleFor(c => c.SignedAt).Null().When(c => !c.BearsSignature).WithMessage("A signing time needs a signature: tick \"bears a signature\".");
        RuleFor(c => c.Labels).Must(l => l.Count <= 10 && l.All(c => !string.IsNullOrWhiteSpace(c) && c.Length <= 40))
            .WithMessage("Choose sensitivity labels from the list.");
    }
}

/// <summary>
/// Files a scanned document: the clinical-record writer puts its DocumentReference in the patient's record (on the
/// encounter, or none), the document becomes Filed with who indexed it, the placement is kept in the filing history,
/// the labels the clerk chose go on the DocumentReference, and the audit row names the patient, all in one transaction.
/// The encounter must be the patient's: a document is never filed across two records.
/// </summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class FileDocumentHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    HospitalTime time,
    IValidator<FileDocumentCommand> validator,
    TimeProvider clock) : Handler<FileDocumentCommand, Result<FiledDocument>>(permissions)
{
    protected override async Task<Result<FiledDocument>> ExecuteAsync(FileDocumentCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        try
        {
            return await db.InTransactionAsync(token => FileAsync(command, token), ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return IndexingErrors.Stale;
        }
    }

    private async Task<Result<FiledDocument>> FileAsync(FileDocumentCommand command, CancellationToken ct)
    {
        var opened = await Indexing.OpenWaitingAsync(db, command.DocumentId, command.Version, ct);
        if (!opened.IsSuccess)
        {
            return opened.Error!;
        }

        var document = opened.Value!;
        if (document.PageCount == 0)
        {
            return Error.Invalid("This document has no pages left to file.");
        }

        if (!await db.Set<Patient>().AnyAsync(p => p.Id == command.PatientId, ct))
        {
            return Error.Invalid("Find the patient and choose them.", nameof(command.PatientId));
        }

        if (command.EncounterId is { } encounterId
            && !await db.Set<Encounter>().Where(e => e.Id == encounterId && e.PatientId == command.PatientId).WhereInForce(db).AnyAsync(ct))
        {
            return Error.Invalid("Choose one of this patient's encounters, or no encounter.", nameof(command.EncounterId));
        }

        var type = await db.Set<DocumentType>().AsNoTracking().SingleOrDefaultAsync(t => t.Id == command.DocumentTypeId && t.Active, ct);
        if (type is null)
        {
            return Error.Invalid("Choose a document type from the catalogue.", nameof(command.DocumentTypeId));
        }

        var labels = command.Labels.Select(l => l.Trim()).Distinct(StringComparer.Ordinal).ToList();
        var known = await db.SensitivityLabels.Where(l => l.Active && labels.Contains(l.Code)).Select(l => l.Code).ToListAsync(ct);
        if (known.Count != labels.Count)
        {
            return Error.Invalid("Choose sensitivity labels from the list.", nameof(command.Labels));
        }

        var now = clock.GetUtcNow();
        var userId = actors.Current.UserId;
        document.Status = ScannedDocumentStatus.Filed;
        document.Reason = null;
        document.PatientId = command.PatientId;
        document.EncounterId = command.EncounterId;
        document.DocumentTypeId = type.Id;
        document.DocumentDate = command.DocumentDate;
        document.ServiceDate = command.ServiceDate;
        document.Author = string.IsNullOrWhiteSpace(command.Author) ? null : command.Author.Trim();
        document.BearsSignature = command.BearsSignature;
        document.SignedAt = command.SignedAt;
        document.IndexedByUserId = userId;
        document.IndexedAt = now;
        document.IndexedBy = "clerk";
        // The version check happens here, before anything is written to the record.
        await db.SaveChangesAsync(ct);

        var noteId = await ClinicalRecordWriter.FileScannedDocumentAsync(db, await Indexing.NoteAsync(db, time, document, ct), now, ct);
        document.ClinicalNoteId = noteId;
        foreach (var code in labels)
        {
            // The label sits on the DocumentReference, as on any item of the record (release and the portal read it there).
            db.Add(new ItemSensitivityLabel
            {
                Id = Guid.CreateVersion7(now),
                PatientId = command.PatientId,
                LabelCode = code,
                ResourceType = LabelledItems.DocumentReference,
                ResourceId = noteId,
                Source = LabelSources.Manual,
                Reason = "Marked by the clerk who indexed the scanned document.",
                LabelledAt = now,
                LabelledByUserId = userId,
            });
        }

        db.Add(Indexing.Filing(document, FilingKinds.Filed, userId, now, null));
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, ScannedDocumentAudit.ResourceType, document.Id.ToString("D"),
            command.PatientId, ScannedDocumentAudit.OperationsPurpose,
            $"filed; note={noteId:D}; type={type.Id:D}; encounter={(command.EncounterId is { } e ? e.ToString("D") : "none")}; pages={document.PageCount}"
            + (labels.Count > 0 ? "; labels=" + string.Join(',', labels) : "")), ct);
        return Result<FiledDocument>.Success(new FiledDocument(document.Id, command.PatientId, noteId));
    }
}
