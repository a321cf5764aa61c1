using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Clinical.Corrections;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.CorrectMisfile;

/// <summary>
/// Moves a filed scanned document to the patient it belongs to. <paramref name="Version"/> is the document's version the
/// corrector saw; <paramref name="ReviewId"/> and <paramref name="ReviewVersion"/> name the QA review that found the
/// misfile, when one did (it is closed as corrected in the same transaction).
/// </summary>
public sealed record CorrectMisfileCommand(
    Guid DocumentId,
    string? ToPatientMrn,
    Guid? ToEncounterId,
    string? Reason,
    uint Version,
    Guid? ReviewId = null,
    uint? ReviewVersion = null);

public sealed record MisfileCorrected(Guid DocumentId, Guid CorrectionId, Guid FromPatientId, Guid ToPatientId, Guid ClinicalNoteId, Guid? IncidentId, int NoticesSent);

public sealed class CorrectMisfileValidator : AbstractValidator<CorrectMisfileCommand>
{
    public CorrectMisfileValidator()
    {
        RuleFor(c => c.ToPatientMrn).NotEmpty().WithMessage("Enter the MRN of the patient the document belongs to.").MaximumLength(64);
        // The reason stays with the correction and the filing history (ADR 0015): it must say what was wrong.
        RuleFor(c => c.Reason).NotEmpty().WithMessage("Say why the document is moved (what shows it is another patient's).").MaximumLength(1000);
    }
}

/// <summary>
/// A misfile correction (issue 15 item 7), in one transaction: the DocumentReference is moved by the clinical-record
/// writer's correction (ADR 0015; source "misfile correction"), the scanned document points at the copy under the right
/// patient, a <c>corrected</c> filing names the old and the new place, both patients' audit trails get a row, and, when
/// the pages were seen under the wrong patient outside filing (the access log's rows per <see cref="ScannedDocumentAudit"/>
/// in a place not in <see cref="ScannedDocumentAudit.Places.Filing"/>), a privacy incident is opened for compliance with
/// who saw it and when, and each physician among them gets a patient-safety notice. Records.Correct, not Intake.Index:
/// moving an item between two patients' records is a record correction whoever finds it (HIM clerks and managers hold
/// it); indexing alone never takes a document out of a record.
/// </summary>
[RequiresPermission(Permissions.RecordsCorrect)]
public sealed class CorrectMisfileHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<CorrectMisfileCommand> validator,
    DisclosureLedger disclosures,
    HospitalTime time,
    TimeProvider clock) : Handler<CorrectMisfileCommand, Result<MisfileCorrected>>(permissions)
{
    public const string Source = "misfile correction";

    /// <summary>45 CFR 164.404(b): notice without unreasonable delay and in no case later than 60 calendar days after discovery.</summary>
    public const int NotificationDays = PrivacyIncidents.NotificationDays;

    public static readonly Error Stale = new(ErrorKind.Conflict, "document-changed",
        "The document was changed since you opened it (filed, moved or corrected by someone else). Open it again.");

    protected override async Task<Result<MisfileCorrected>> ExecuteAsync(CorrectMisfileCommand command, CancellationToken ct)
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
            return await db.InTransactionAsync(token => MoveAsync(command, actor, token), ct);
        }
        catch (RolledBack rolledBack)
        {
            return rolledBack.Error;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Stale;
        }
    }

    private async Task<Result<MisfileCorrected>> MoveAsync(CorrectMisfileCommand command, AuditActor actor, CancellationToken ct)
    {
        var document = await db.Set<ScannedDocument>().SingleOrDefaultAsync(d => d.Id == command.DocumentId, ct);
        if (document is null)
        {
            return Error.NotFound("There is no such scanned document.");
        }

        if (document.Version != command.Version)
        {
            return Stale;
        }

        if (document is not { Status: ScannedDocumentStatus.Filed, PatientId: { } from, ClinicalNoteId: { } noteId })
        {
            return Error.Invalid("Only a filed document can be moved to another patient.");
        }

        var mrn = command.ToPatientMrn!.Trim();
        var to = await db.Set<Patient>().Where(p => p.Mrn == mrn).Select(p => (Guid?)p.Id).SingleOrDefaultAsync(ct);
        if (to is not { } toPatient)
        {
            return Error.Invalid("No patient has this MRN.", nameof(CorrectMisfileCommand.ToPatientMrn));
        }

        if (toPatient == from)
        {
            return CorrectionErrors.SamePatient with { Field = nameof(CorrectMisfileCommand.ToPatientMrn) };
        }

        if (command.ToEncounterId is { } encounterId && !await db.Set<Encounter>().AnyAsync(e => e.Id == encounterId && e.PatientId == toPatient, ct))
        {
            return Error.Invalid("The encounter is not one of that patient's.", nameof(CorrectMisfileCommand.ToEncounterId));
        }

        QualityReview? review = null;
        if (command.ReviewId is { } reviewId)
        {
            review = await db.Set<QualityReview>().SingleOrDefaultAsync(r => r.Id == reviewId && r.DocumentId == document.Id, ct);
            if (review is null)
            {
                return Error.NotFound("There is no such QA review of this document.");
            }

            if (review.Status != QualityReviewStatuses.Pending || review.Version != command.ReviewVersion)
            {
                return Error.Conflict("This QA review was completed or changed since you opened it. Open the QA queue again.");
            }

            if (review.IndexedByUserId is { } indexer && indexer == actor.UserId)
            {
                return QualityControl.QualityErrors.OwnWork;
            }
        }

        var now = clock.GetUtcNow();
        var note = await Indexing.NoteAsync(db, time, document, ct);
        var fromEncounter = document.EncounterId;
        if (fromEncounter is not null)
        {
            // The note's encounter is the wrong patient's and stays in their record: the writer refuses to move a note that
            // refers to an item left behind, so the reference is dropped first (same patient), then the note moves.
            await ClinicalRecordWriter.ReviseScannedDocumentAsync(db, noteId, note with { EncounterId = null }, now, ct);
        }

        var corrected = await ClinicalRecordWriter.CorrectAsync(db, new CorrectionRequest(from, toPatient,
            [new RecordItem("DocumentReference", noteId)], command.Reason!.Trim(), Source,
            new Corrector(actor.UserId, actor.UserName ?? "unknown"), now, ExpectedFromVersion: null), ct);
        if (corrected.Error is { } refused)
        {
            // Nothing of the writer's was written; the encounter revision above was, so the transaction must not commit.
            throw new RolledBack(refused);
        }

        if (fromEncounter is not null)
        {
            // The original stays in the wrong patient's record, entered-in-error, as it was filed: its encounter is put back,
            // so that record's history reads as it did and an undo of this correction restores it exactly (ADR 0015).
            await ClinicalRecordWriter.ReviseScannedDocumentAsync(db, noteId, note, now, ct);
        }

        var copy = corrected.Value!.Items.Single();
        if (command.ToEncounterId is not null)
        {
            await ClinicalRecordWriter.ReviseScannedDocumentAsync(db, copy.CopyId, note with { PatientId = toPatient, EncounterId = command.ToEncounterId }, now, ct);
        }

        document.PatientId = toPatient;
        document.EncounterId = command.ToEncounterId;
        document.ClinicalNoteId = copy.CopyId;
        db.Entry(document).Property(d => d.Version).OriginalValue = command.Version;
        db.Set<DocumentFiling>().Add(new DocumentFiling
        {
            DocumentId = document.Id,
            Kind = FilingKinds.Corrected,
            Status = ScannedDocumentStatus.Filed,
            PatientId = toPatient,
            EncounterId = command.ToEncounterId,
            DocumentTypeId = document.DocumentTypeId,
            ClinicalNoteId = copy.CopyId,
            PreviousPatientId = from,
            PreviousEncounterId = fromEncounter,
            PreviousDocumentTypeId = document.DocumentTypeId,
            Reason = $"misfile: {command.Reason!.Trim()}",
            ByUserId = actor.UserId,
            At = now,
        });
        if (review is not null)
        {
            review.Status = QualityReviewStatuses.Corrected;
            review.Corrections = "patient";
            review.ReviewedByUserId = actor.UserId;
            review.ReviewedAt = now;
            review.Notes = command.Reason!.Trim();
            db.Entry(review).Property(r => r.Version).OriginalValue = command.ReviewVersion!.Value;
        }

        var released = await RecordReleasedMisfileAsync(document, toPatient, ct);
        await db.SaveChangesAsync(ct);
        var (incident, notices) = await OpenIncidentAsync(document, from, toPatient, corrected.Value.CorrectionId, actor, now, ct);
        var resourceId = document.Id.ToString("D");
        var tail = $"correction={corrected.Value.CorrectionId:D}; note {noteId:D} -> {copy.CopyId:D}"
                   + (incident is { } id ? $"; privacy incident {id:D} opened" : "; not viewed outside filing")
                   + (released > 0 ? $"; released in {released} release(s) of information: impermissible disclosure recorded" : "");
        await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, ScannedDocumentAudit.ResourceType, resourceId, from,
            ScannedDocumentAudit.OperationsPurpose, $"misfile correction; moved out of this record; {tail}"), ct);
        await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, ScannedDocumentAudit.ResourceType, resourceId, toPatient,
            ScannedDocumentAudit.OperationsPurpose, $"misfile correction; moved into this record; {tail}"), ct);
        return Result<MisfileCorrected>.Success(new MisfileCorrected(document.Id, corrected.Value.CorrectionId, from, toPatient, copy.CopyId, incident, notices));
    }

    /// <summary>
    /// The views of the document's pages under the wrong patient outside filing, per <see cref="ScannedDocumentAudit"/>;
    /// when there are any, the incident with each view, and a notice for each physician who saw it (their first view).
    /// </summary>
    private async Task<(Guid? Incident, int Notices)> OpenIncidentAsync(ScannedDocument document, Guid wrongPatient, Guid rightPatient, Guid correctionId,
        AuditActor actor, DateTimeOffset now, CancellationToken ct)
    {
        var resourceId = document.Id.ToString("D");
        var views = (await db.AccessEvents.AsNoTracking()
                .Where(e => e.ResourceType == ScannedDocumentAudit.ResourceType && e.ResourceId == resourceId && e.PatientId == wrongPatient
                            && e.Action == AuditAction.View && e.Outcome == AuditOutcome.Success)
                .OrderBy(e => e.OccurredAt)
                .Select(e => new { e.Id, e.OccurredAt, e.UserId, e.UserName, e.Roles, e.Purpose, e.Details })
                .ToListAsync(ct))
            .Select(e => new { e.Id, e.OccurredAt, e.UserId, e.UserName, e.Roles, e.Purpose, Where = PageView.Read(e.Details) })
            // Page views only (details "<place>; page=<n>"): opening a form about the document (QA, this page) shows no page.
            .Where(e => e.Where.Page is not null && !ScannedDocumentAudit.Places.Filing.Contains(e.Where.Place, StringComparer.Ordinal))
            .ToList();
        if (views.Count == 0)
        {
            return (null, 0);
        }

        var summary = $"A scanned document ({document.PageCount} page(s)) filed to the wrong patient was viewed {views.Count} time(s) by "
                      + $"{views.Select(v => v.UserId?.ToString() ?? v.UserName).Distinct().Count()} person(s) outside indexing and QA "
                      + $"({string.Join(", ", views.Select(v => v.Where.Place).Distinct(StringComparer.Ordinal))}) before it was moved.";
        var (incident, notices) = await PrivacyIncidents.OpenAsync(db, audit,
            new IncidentOpening("misfiled-document", wrongPatient, rightPatient, document.Id, correctionId, summary),
            views.Select(v => new IncidentAccess(v.Id, v.OccurredAt, v.UserId, v.UserName, v.Roles, v.Where.Place, v.Where.Page, v.Purpose)).ToList(),
            actor.UserId, now, ScannedDocumentAudit.OperationsPurpose, $"misfiled document {document.Id:D} viewed outside filing", ct);
        return (incident, notices);
    }

    /// <summary>
    /// When the misfiled document went out in a released packet of the wrong patient's records request, the right patient's
    /// information was disclosed without a basis: an impermissible disclosure their accounting must list (45 CFR
    /// 164.528(a)(1)), recorded through the core's DisclosureLedger (issue 17 item 7; Documents does not reach into Roi).
    /// </summary>
    private Task<int> RecordReleasedMisfileAsync(ScannedDocument document, Guid rightPatient, CancellationToken ct) =>
        disclosures.AddReleasedInErrorAsync(rightPatient, "ScannedDocument", [document.Id],
            $"A scanned document ({document.PageCount} page(s)) misfiled to another patient's record and released with it", DisclosureSources.Misfile,
            "misfiled page released in", ct);

    /// <summary>A refusal after something was written: thrown to roll the transaction back, caught to return the refusal.</summary>
    private sealed class RolledBack(Error error) : Exception(error.Message)
    {
        public Error Error { get; } = error;
    }
}

/// <summary>The place and page of a page view's audit details ("chart; page=2"), as <see cref="ScannedDocumentAudit.PageView"/> writes them.</summary>
public readonly record struct PageView(string Place, int? Page)
{
    public static PageView Read(string? details)
    {
        if (string.IsNullOrEmpty(details))
        {
            return new PageView("", null);
        }

        var parts = details.Split(';', StringSplitOptions.TrimEntries);
        int? page = null;
        foreach (var part in parts.Skip(1))
        {
            if (part.StartsWith("page=", StringComparison.Ordinal)
                && int.TryParse(part.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                page = n;
            }
        }

        return new PageView(parts[0], page);
    }
}
