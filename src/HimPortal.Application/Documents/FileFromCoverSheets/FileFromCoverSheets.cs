using System.Globalization;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using HimPortal.Documents.CoverSheets;
using HimPortal.Documents.Imaging;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.FileFromCoverSheets;

public sealed record FileFromCoverSheetsCommand(Guid ReceivedFileId);

/// <summary>One document the file was split into: where it went, and why it was not filed when it was not.</summary>
/// <param name="FirstPage">The file's page number (1-based) of the document's first page.</param>
public sealed record CoverSheetPart(Guid DocumentId, int FirstPage, int Pages, ScannedDocumentStatus Status, bool CoverSheet, Guid? PatientId, string? Reason);

/// <param name="Changed">False when there was nothing to do: no cover sheet, or the file was already split (by this job or a clerk).</param>
public sealed record CoverSheetFilingSummary(Guid ReceivedFileId, bool Changed, int CoverSheets, int Filed, int Queued, IReadOnlyList<CoverSheetPart> Parts);

/// <summary>
/// Issue 15 item 4: splits a received file's document at each HimPortal cover sheet and files each part from its code,
/// as the system (IndexedBy "cover-sheet", no user). The code is trusted for nothing it does not prove: the patient must
/// exist with the MRN the sheet carries, the encounter must be that patient's, the type must be an active catalogue type
/// with the LOINC code; otherwise the part goes to the indexing queue with the reason, never filed. Pages before the
/// first cover sheet stay unindexed; the cover sheets are set aside as Blank documents (kept, never deleted). One
/// transaction per file; a file already split (here, or by a clerk) is left alone, so running again does nothing.
/// Reading a page's code is a machine's read, not a person's view: it writes no page-view audit row (the misfile check
/// counts people who saw a page), but the filing and split are audited with the patient's id.
/// It needs what capture needs (Intake.Import), not indexing's permission: it is queued by the render step of whoever
/// brought the file in (a clerk's upload, the console's import, an inbox poll by the scheduler), and what it files is
/// decided by the printed code, checked here, not by that person.
/// </summary>
[RequiresPermission(Permissions.IntakeImport)]
public sealed class FileFromCoverSheetsHandler(
    PermissionCheck permissions,
    HimDbContext db,
    IDocumentStore store,
    AccessAudit audit,
    TimeProvider clock) : Handler<FileFromCoverSheetsCommand, Result<CoverSheetFilingSummary>>(permissions)
{
    public const string IndexedBy = "cover-sheet";

    /// <summary>Paper width the page resolution is inferred from (Letter; A4 is 3 % narrower, well within the reader's range).</summary>
    private const double PaperWidthInches = 8.5;

    protected override async Task<Result<CoverSheetFilingSummary>> ExecuteAsync(FileFromCoverSheetsCommand command, CancellationToken ct)
    {
        var fileId = command.ReceivedFileId;
        var file = await db.ReceivedFiles.AsNoTracking().SingleOrDefaultAsync(f => f.Id == fileId, ct);
        if (file is null)
        {
            return Error.NotFound("There is no such received file.");
        }

        var unchanged = new CoverSheetFilingSummary(fileId, false, 0, 0, 0, []);
        var original = await PristineAsync(fileId, ct);
        if (original is null)
        {
            return Result<CoverSheetFilingSummary>.Success(unchanged);
        }

        // Read the codes before the transaction: decoding takes milliseconds a page, and no lock is needed for it.
        var codes = new Dictionary<Guid, CoverSheetCode>();
        foreach (var page in original.Pages)
        {
            if (await ReadAsync(page.Page, ct) is { } code)
            {
                codes[page.Page.Id] = code;
            }
        }

        if (codes.Count == 0)
        {
            return Result<CoverSheetFilingSummary>.Success(unchanged);
        }

        return await db.InTransactionAsync<Result<CoverSheetFilingSummary>>(async token =>
        {
            // One split per file at a time: a second run (or a clerk's split) waits here, then finds the file no longer pristine.
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT 1 FROM documents.received_files WHERE id = {fileId} FOR UPDATE", token);
            var current = await PristineAsync(fileId, token);
            if (current is null || !current.Pages.Select(p => p.Page.Id).SequenceEqual(original.Pages.Select(p => p.Page.Id)))
            {
                return Result<CoverSheetFilingSummary>.Success(unchanged);
            }

            return Result<CoverSheetFilingSummary>.Success(await SplitAndFileAsync(file, current, codes, token));
        }, ct);
    }

    private sealed record PageInDocument(DocumentPage Page, short Rotation);

    private sealed record Pristine(ScannedDocument Document, IReadOnlyList<PageInDocument> Pages);

    /// <summary>The file's one unindexed document holding all its pages, never split, filed or dispositioned; else null.</summary>
    private async Task<Pristine?> PristineAsync(Guid fileId, CancellationToken ct)
    {
        var documents = await db.Set<ScannedDocument>().Where(d => d.ReceivedFileId == fileId).ToListAsync(ct);
        if (documents is not [{ Status: ScannedDocumentStatus.Unindexed, IndexedBy: null } document])
        {
            return null;
        }

        if (await db.Set<DocumentFiling>().AnyAsync(f => f.DocumentId == document.Id, ct))
        {
            return null;
        }

        var pages = await db.Set<ScannedDocumentPage>().Where(l => l.DocumentId == document.Id)
            .Join(db.Set<DocumentPage>(), l => l.PageId, p => p.Id, (l, p) => new { l.Ordinal, l.Rotation, Page = p })
            .OrderBy(x => x.Ordinal).ToListAsync(ct);
        var filePages = await db.Set<DocumentPage>().CountAsync(p => p.ReceivedFileId == fileId, ct);
        return pages.Count == 0 || pages.Count != filePages ? null : new Pristine(document, pages.Select(p => new PageInDocument(p.Page, p.Rotation)).ToList());
    }

    /// <summary>The cover sheet's code on a page, or null. A page whose PDF text layer lacks the sheet's title is passed without decoding its image.</summary>
    private async Task<CoverSheetCode?> ReadAsync(DocumentPage page, CancellationToken ct)
    {
        if (page.TextSource == PageTextSource.Pdf && page.Text is { } text
            && !text.Contains("cover sheet", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (page.ImageObjectId is not { } imageId || await store.OpenReadAsync(imageId, ct) is not { } stream)
        {
            return null;
        }

        byte[] png;
        await using (stream)
        {
            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, ct);
            png = buffer.ToArray();
        }

        try
        {
            var image = Png.Decode(png, 1, 1);
            // The render worker stores square pixels without a resolution: the page's shorter side is the paper's width.
            var dpi = Math.Min(image.Width, image.Height) / PaperWidthInches;
            return CoverSheetReader.Read(new GrayImage(image.Width, image.Height, dpi, dpi, image.Pixels));
        }
        catch (ArgumentException)
        {
            // An image Skia cannot read is not a cover sheet; the clerk sees the page as it is.
            return null;
        }
    }

    private sealed record Segment(List<PageInDocument> Pages, CoverSheetCode? Code, bool IsCoverSheet);

    private async Task<CoverSheetFilingSummary> SplitAndFileAsync(ReceivedFile file, Pristine pristine, Dictionary<Guid, CoverSheetCode> codes, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var segments = new List<Segment>();
        foreach (var page in pristine.Pages)
        {
            if (codes.TryGetValue(page.Page.Id, out var code))
            {
                segments.Add(new Segment([page], code, true));
                segments.Add(new Segment([], code, false));
            }
            else if (segments.Count == 0)
            {
                segments.Add(new Segment([page], null, false));
            }
            else
            {
                segments[^1].Pages.Add(page);
            }
        }

        segments.RemoveAll(s => s.Pages.Count == 0);
        var original = pristine.Document;
        await db.Set<ScannedDocumentPage>().Where(l => l.DocumentId == original.Id).ExecuteDeleteAsync(ct);

        var placed = new List<(ScannedDocument Document, Segment Segment)>();
        foreach (var segment in segments)
        {
            var document = placed.Count == 0 ? original : new ScannedDocument
            {
                Id = Guid.CreateVersion7(now),
                ReceivedFileId = file.Id,
                Source = original.Source,
                ReceivedAt = original.ReceivedAt,
                Status = ScannedDocumentStatus.Unindexed,
            };
            if (placed.Count > 0)
            {
                db.Set<ScannedDocument>().Add(document);
            }

            document.PageCount = segment.Pages.Count;
            for (var i = 0; i < segment.Pages.Count; i++)
            {
                db.Set<ScannedDocumentPage>().Add(new ScannedDocumentPage
                {
                    DocumentId = document.Id,
                    PageId = segment.Pages[i].Page.Id,
                    Ordinal = i,
                    Rotation = segment.Pages[i].Rotation,
                });
            }

            placed.Add((document, segment));
        }

        // Where each part goes, decided before anything is written to the record.
        var verdicts = new Dictionary<Guid, (Verdict? Verdict, string? Reason)>();
        for (var i = 0; i < placed.Count; i++)
        {
            var (document, segment) = placed[i];
            if (segment.IsCoverSheet)
            {
                var follows = i + 1 < placed.Count && !placed[i + 1].Segment.IsCoverSheet && placed[i + 1].Segment.Code is not null
                    ? placed[i + 1].Document.PageCount
                    : 0;
                document.Status = ScannedDocumentStatus.Blank;
                document.Reason = follows == 0
                    ? "Cover sheet with no pages after it: set aside, kept."
                    : string.Create(CultureInfo.InvariantCulture, $"Cover sheet for the {follows} page(s) after it: set aside, kept.");
            }
            else if (segment.Code is { } code)
            {
                var (verdict, reason) = await CheckAsync(code, ct);
                verdicts[document.Id] = (verdict, reason);
                if (verdict is null)
                {
                    document.Reason = "Cover sheet not filed: " + reason;
                }
            }
        }

        await db.SaveChangesAsync(ct);

        var mediaType = file.MediaType ?? "application/octet-stream";
        var parts = new List<CoverSheetPart>();
        var filed = 0;
        var queued = 0;
        db.Set<DocumentFiling>().Add(new DocumentFiling
        {
            DocumentId = original.Id,
            Kind = FilingKinds.Split,
            Status = original.Status,
            Reason = string.Create(CultureInfo.InvariantCulture, $"Split at {codes.Count} cover sheet(s) into {placed.Count} document(s)."),
            At = now,
        });
        foreach (var (document, segment) in placed)
        {
            if (document.Id != original.Id)
            {
                db.Set<DocumentFiling>().Add(new DocumentFiling
                {
                    DocumentId = document.Id,
                    Kind = FilingKinds.Split,
                    Status = ScannedDocumentStatus.Unindexed,
                    Reason = "Split from the file at a cover sheet.",
                    At = now,
                });
            }

            if (segment.IsCoverSheet)
            {
                db.Set<DocumentFiling>().Add(new DocumentFiling
                {
                    DocumentId = document.Id,
                    Kind = FilingKinds.Dispositioned,
                    Status = ScannedDocumentStatus.Blank,
                    Reason = document.Reason,
                    At = now,
                });
            }
            else if (verdicts.TryGetValue(document.Id, out var outcome) && outcome.Verdict is { } verdict)
            {
                var noteId = await ClinicalRecordWriter.FileScannedDocumentAsync(db, new ScannedDocumentNote(
                    document.Id, verdict.PatientId, verdict.EncounterId, verdict.Type.Name, verdict.Type.LoincCode, original.ReceivedAt,
                    Author: null, AuthorPractitionerId: null, BearsSignature: false, SignedAt: null, mediaType, document.PageCount), now, ct);
                document.Status = ScannedDocumentStatus.Filed;
                document.PatientId = verdict.PatientId;
                document.EncounterId = verdict.EncounterId;
                document.DocumentTypeId = verdict.Type.Id;
                document.ClinicalNoteId = noteId;
                document.IndexedBy = IndexedBy;
                document.IndexedByUserId = null;
                document.IndexedAt = now;
                // A filing by the system: the QA sampler counts it (issue 15 item 4: "still counted for QA").
                db.Set<DocumentFiling>().Add(new DocumentFiling
                {
                    DocumentId = document.Id,
                    Kind = FilingKinds.Filed,
                    Status = ScannedDocumentStatus.Filed,
                    PatientId = verdict.PatientId,
                    EncounterId = verdict.EncounterId,
                    DocumentTypeId = verdict.Type.Id,
                    ClinicalNoteId = noteId,
                    Reason = "Filed from its cover sheet.",
                    ByUserId = null,
                    At = now,
                });
                await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, ScannedDocumentAudit.ResourceType,
                    document.Id.ToString("D"), verdict.PatientId, ScannedDocumentAudit.OperationsPurpose,
                    string.Create(CultureInfo.InvariantCulture,
                        $"filed from cover sheet; file={file.Id:D}; pages={document.PageCount}; encounter={verdict.EncounterId?.ToString("D") ?? "none"}; type={verdict.Type.LoincCode}")),
                    ct);
                filed++;
            }
            else if (segment.Code is not null)
            {
                queued++;
            }

            parts.Add(new CoverSheetPart(document.Id, segment.Pages[0].Page.Number, document.PageCount, document.Status, segment.IsCoverSheet,
                document.PatientId, document.Reason));
        }

        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "ReceivedFile", file.Id.ToString("D"), null,
            ScannedDocumentAudit.OperationsPurpose,
            string.Create(CultureInfo.InvariantCulture,
                $"split at {codes.Count} cover sheet(s) into {placed.Count} document(s); filed={filed}; to the queue={queued}")), ct);
        return new CoverSheetFilingSummary(file.Id, true, codes.Count, filed, queued, parts);
    }

    private sealed record Verdict(Guid PatientId, Guid? EncounterId, DocumentType Type);

    /// <summary>Whether the code's patient, MRN, encounter and type all hold; else every reason they do not, in words for the clerk.</summary>
    private async Task<(Verdict? Verdict, string? Reason)> CheckAsync(CoverSheetCode code, CancellationToken ct)
    {
        var reasons = new List<string>();
        var patient = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == code.PatientId).Select(p => new { p.Id, p.Mrn }).SingleOrDefaultAsync(ct);
        if (patient is null)
        {
            reasons.Add($"it names a patient HimPortal does not know (patient id {code.PatientId:D})");
        }
        else if (!string.Equals(patient.Mrn, code.Mrn, StringComparison.Ordinal))
        {
            reasons.Add($"its MRN does not match the patient it names (patient id {code.PatientId:D})");
        }

        if (code.EncounterId is { } encounterId)
        {
            var owner = await db.Set<Encounter>().AsNoTracking().Where(e => e.Id == encounterId).Select(e => (Guid?)e.PatientId).SingleOrDefaultAsync(ct);
            if (owner is null)
            {
                reasons.Add($"it names an encounter HimPortal does not know (encounter id {encounterId:D})");
            }
            else if (owner != code.PatientId)
            {
                reasons.Add($"it names an encounter of another patient (encounter id {encounterId:D})");
            }
            else if (await db.EnteredInError.AnyAsync(x => x.ResourceId == encounterId && x.ClearedAt == null, ct))
            {
                reasons.Add($"it names an encounter entered in error (encounter id {encounterId:D})");
            }
        }

        var type = await db.Set<DocumentType>().AsNoTracking().Where(t => t.Active && t.LoincCode == code.LoincCode)
            .OrderBy(t => t.SortOrder).ThenBy(t => t.Name).FirstOrDefaultAsync(ct);
        if (type is null)
        {
            reasons.Add($"it names document type LOINC {code.LoincCode}, which is not an active type of the catalogue");
        }

        return reasons.Count > 0 || type is null
            ? (null, string.Join("; ", reasons) + ".")
            : (new Verdict(code.PatientId, code.EncounterId, type), null);
    }
}
