using FluentValidation;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents;

/// <summary>The indexing commands' expected failures, one line each.</summary>
public static class IndexingErrors
{
    public static readonly Error NotFound = Error.NotFound("There is no such document.");

    public static readonly Error Stale = Error.Conflict(
        "Someone else changed this document since you opened it. Nothing was changed: look at it again and retry.");

    public static readonly Error NotWaiting = Error.Conflict("This document is no longer waiting to be indexed: nothing was changed.");
}

/// <summary>
/// What every indexing command shares: open a waiting document at the version the clerk's form was read at (optimistic
/// concurrency on xmin: a stale form changes nothing), lay pages out, and keep the append-only filing history.
/// </summary>
internal static class Indexing
{
    /// <summary>
    /// One change of one waiting document, as every page tool and disposition makes it: the command validated first, then
    /// in one transaction the document opened at the form's version and changed; a form read before someone else's
    /// change is refused as stale, with nothing written.
    /// </summary>
    public static async Task<Result<T>> ChangeWaitingAsync<TCommand, T>(HimDbContext db, IValidator<TCommand> validator, TCommand command,
        Guid documentId, uint version, Func<ScannedDocument, CancellationToken, Task<Result<T>>> change, CancellationToken ct)
    {
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        try
        {
            return await db.InTransactionAsync<Result<T>>(async token =>
            {
                var opened = await OpenWaitingAsync(db, documentId, version, token);
                return opened.IsSuccess ? await change(opened.Value!, token) : opened.Error!;
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return IndexingErrors.Stale;
        }
    }

    /// <summary>
    /// The DocumentReference a filed scanned document is in the record, from what the document holds now: filing, a QA
    /// revision and a misfile correction all build it here, so the record reads the same whoever wrote it (its date the
    /// start of the document's day in the hospital's time zone, its content type that of the file as received).
    /// </summary>
    public static async Task<ScannedDocumentNote> NoteAsync(HimDbContext db, HospitalTime time, ScannedDocument document, CancellationToken ct)
    {
        var patient = document.PatientId ?? throw new InvalidOperationException("Only a document placed with a patient is in a record.");
        var type = document.DocumentTypeId is { } typeId
            ? await db.Set<DocumentType>().AsNoTracking().SingleAsync(t => t.Id == typeId, ct)
            : null;
        var mediaType = await db.Set<ReceivedFile>().Where(f => f.Id == document.ReceivedFileId).Select(f => f.MediaType).SingleAsync(ct);
        var day = document.DocumentDate ?? document.ServiceDate;
        return new ScannedDocumentNote(document.Id, patient, document.EncounterId, type?.Name ?? "Scanned document", type?.LoincCode,
            day is { } d ? time.StartOf(d) : null, document.Author, document.AuthorPractitionerId, document.BearsSignature, document.SignedAt,
            mediaType ?? "application/octet-stream", document.PageCount);
    }

    /// <summary>The statuses a clerk may still work on: waiting in the queue, or held (patient not yet registered).</summary>
    public static bool IsWaiting(ScannedDocumentStatus status) => status is ScannedDocumentStatus.Unindexed or ScannedDocumentStatus.Held;

    /// <summary>
    /// Loads the document tracked, with the version the form was read at as the concurrency token: the save that follows
    /// updates the row only if nobody changed it since (else <see cref="DbUpdateConcurrencyException"/>).
    /// </summary>
    public static async Task<Result<ScannedDocument>> OpenWaitingAsync(HimDbContext db, Guid id, uint version, CancellationToken ct)
    {
        var document = await db.Set<ScannedDocument>().SingleOrDefaultAsync(d => d.Id == id, ct);
        if (document is null)
        {
            return IndexingErrors.NotFound;
        }

        if (document.Version != version)
        {
            return IndexingErrors.Stale;
        }

        if (!IsWaiting(document.Status))
        {
            return IndexingErrors.NotWaiting;
        }

        db.Entry(document).Property(d => d.Version).OriginalValue = version;
        // Every command updates the row, so that the version check runs even when only its pages change.
        db.Entry(document).Property(d => d.PageCount).IsModified = true;
        return Result<ScannedDocument>.Success(document);
    }

    /// <summary>The document's pages in order, with their rotation.</summary>
    public static Task<List<ScannedDocumentPage>> PagesAsync(HimDbContext db, Guid documentId, CancellationToken ct) =>
        db.Set<ScannedDocumentPage>().AsNoTracking().Where(p => p.DocumentId == documentId).OrderBy(p => p.Ordinal).ToListAsync(ct);

    /// <summary>
    /// Lays the given documents' pages out anew (ordinals from 0): a page moves between documents by leaving one list and
    /// joining another. The rows are keyed by (document, ordinal), so they are replaced, in the caller's transaction.
    /// </summary>
    public static async Task LayOutAsync(HimDbContext db, IReadOnlyDictionary<Guid, List<ScannedDocumentPage>> layout, CancellationToken ct)
    {
        var ids = layout.Keys.ToList();
        await db.Set<ScannedDocumentPage>().Where(p => ids.Contains(p.DocumentId)).ExecuteDeleteAsync(ct);
        foreach (var (documentId, pages) in layout)
        {
            for (var i = 0; i < pages.Count; i++)
            {
                db.Add(new ScannedDocumentPage { DocumentId = documentId, PageId = pages[i].PageId, Ordinal = i, Rotation = pages[i].Rotation });
            }
        }

        await db.SaveChangesAsync(ct);
    }

    /// <summary>A new unindexed (or blank) document cut from <paramref name="from"/>: same file, source and received time, so it keeps its place in the queue.</summary>
    public static ScannedDocument CutFrom(ScannedDocument from, ScannedDocumentStatus status, int pageCount, string? reason, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        ReceivedFileId = from.ReceivedFileId,
        Status = status,
        Reason = reason,
        ReceivedAt = from.ReceivedAt,
        Source = from.Source,
        PageCount = pageCount,
    };

    public static DocumentFiling Filing(ScannedDocument document, string kind, Guid? byUserId, DateTimeOffset now, string? reason) => new()
    {
        DocumentId = document.Id,
        Kind = kind,
        Status = document.Status,
        PatientId = document.PatientId,
        EncounterId = document.EncounterId,
        DocumentTypeId = document.DocumentTypeId,
        ClinicalNoteId = document.ClinicalNoteId,
        Reason = reason,
        ByUserId = byUserId,
        At = now,
    };

    /// <summary>The audit row of an indexing change: the document, and the patient once it has one.</summary>
    public static AuditRecord Changed(ScannedDocument document, string details) =>
        new(AuditAction.Update, AuditOutcome.Success, ScannedDocumentAudit.ResourceType, document.Id.ToString("D"), document.PatientId,
            ScannedDocumentAudit.OperationsPurpose, details);
}
