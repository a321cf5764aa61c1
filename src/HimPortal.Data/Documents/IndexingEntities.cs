using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Documents;

/// <summary>Where a page's text came from. Stored as its lower-case name.</summary>
public enum PageTextSource
{
    /// <summary>Not read yet (a scanned page waiting for OCR), or nothing to read.</summary>
    None,

    /// <summary>The text layer of a born-digital PDF.</summary>
    Pdf,

    /// <summary>Read from the page image by OCR (tesseract).</summary>
    Ocr,
}

/// <summary>Where the OCR of a page stands. Stored as its lower-case name.</summary>
public enum PageOcrStatus
{
    /// <summary>The page has a text layer, or OCR is off.</summary>
    NotNeeded,

    /// <summary>Waiting for the OCR job.</summary>
    Pending,

    Done,

    /// <summary>tesseract is not installed on the node that tried: indexing works without text.</summary>
    Unavailable,

    Failed,
}

/// <summary>
/// One page of a received file, split out and rendered by the render worker (ADR 0025): the image (PNG, square pixels:
/// a 204×98 fax page is stretched) and its thumbnail are document-store objects. The page belongs to its file forever;
/// which document it is part of is <see cref="ScannedDocumentPage"/>. Its text never goes to a log.
/// </summary>
public sealed class DocumentPage
{
    public Guid Id { get; set; }

    public Guid ReceivedFileId { get; set; }

    /// <summary>1-based, in the file's order.</summary>
    public int Number { get; set; }

    public Guid? ImageObjectId { get; set; }

    public Guid? ThumbnailObjectId { get; set; }

    public int? WidthPixels { get; set; }

    public int? HeightPixels { get; set; }

    /// <summary>Almost nothing inked: offered to the clerk as a blank page to remove, never removed unasked.</summary>
    public bool LooksBlank { get; set; }

    /// <summary>The page's text (PDF text layer or OCR); patient data: never logged.</summary>
    public string? Text { get; set; }

    public PageTextSource TextSource { get; set; }

    public PageOcrStatus OcrStatus { get; set; }

    public DateTimeOffset? RenderedAt { get; set; }
}

/// <summary>Where a scanned document stands. Stored as its lower-case name.</summary>
public enum ScannedDocumentStatus
{
    /// <summary>In the indexing queue.</summary>
    Unindexed,

    /// <summary>Filed to a patient (and maybe an encounter): in the chart as a DocumentReference.</summary>
    Filed,

    /// <summary>Patient not found or not yet registered: held and retried.</summary>
    Held,

    /// <summary>Sent to the wrong place: the sender is notified, the disposition recorded.</summary>
    Misdirected,

    /// <summary>A copy of a document already filed.</summary>
    Duplicate,

    /// <summary>Blank pages set aside (kept, never deleted).</summary>
    Blank,

    /// <summary>Its pages were merged into another document; kept, empty, so its history stays readable.</summary>
    Merged,
}

/// <summary>
/// A document cut from a received file: some of its pages, in order. A file arrives as one unindexed document of all its
/// pages; the clerk splits, merges and files. What cannot be filed is dispositioned, never deleted. Filing writes a
/// DocumentReference (a <c>ClinicalNote</c>) through the clinical-record writer; a misfile is moved by the writer's
/// correction, and every placement is kept in <see cref="DocumentFiling"/>.
/// </summary>
public sealed class ScannedDocument
{
    public Guid Id { get; set; }

    public Guid ReceivedFileId { get; set; }

    public ScannedDocumentStatus Status { get; set; }

    /// <summary>Why it is in the queue when something put it back (a cover sheet naming an unknown patient), or the disposition's note.</summary>
    public string? Reason { get; set; }

    /// <summary>When the file arrived: the queue's order (oldest first) and the document's age.</summary>
    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>The receipt's source (an inbox's name, "upload", "import"), copied for the queue's filter.</summary>
    public required string Source { get; set; }

    public int PageCount { get; set; }

    public Guid? PatientId { get; set; }

    public Guid? EncounterId { get; set; }

    public Guid? DocumentTypeId { get; set; }

    /// <summary>The date the document bears.</summary>
    public DateOnly? DocumentDate { get; set; }

    public DateOnly? ServiceDate { get; set; }

    /// <summary>Who wrote it, as the page names them (an outside physician is not one of our practitioners).</summary>
    public string? Author { get; set; }

    public Guid? AuthorPractitionerId { get; set; }

    /// <summary>Whether it bears a signature: a scanned H&amp;P signed on paper counts for chart completion.</summary>
    public bool BearsSignature { get; set; }

    public DateTimeOffset? SignedAt { get; set; }

    /// <summary>The DocumentReference filed for it (after a misfile correction, the copy under the right patient).</summary>
    public Guid? ClinicalNoteId { get; set; }

    public Guid? IndexedByUserId { get; set; }

    public DateTimeOffset? IndexedAt { get; set; }

    /// <summary>"clerk" or "cover-sheet": how it was indexed.</summary>
    public string? IndexedBy { get; set; }

    public uint Version { get; set; }
}

/// <summary>A page's place in a document. A page is in exactly one document at a time.</summary>
public sealed class ScannedDocumentPage
{
    public Guid DocumentId { get; set; }

    public Guid PageId { get; set; }

    /// <summary>0-based order of the page in the document.</summary>
    public int Ordinal { get; set; }

    /// <summary>The clerk's rotation, clockwise: 0, 90, 180 or 270.</summary>
    public short Rotation { get; set; }
}

/// <summary>A type in the document-type catalogue HIM managers maintain, with its LOINC document code where one fits.</summary>
public sealed class DocumentType
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    /// <summary>The LOINC document code (History and physical 34117-2); null for a local type such as Correspondence.</summary>
    public string? LoincCode { get; set; }

    /// <summary>A retired type stays on the documents filed under it but is no longer offered.</summary>
    public bool Active { get; set; } = true;

    public int SortOrder { get; set; }

    public uint Version { get; set; }
}

/// <summary>What a <see cref="DocumentFiling"/> row records.</summary>
public static class FilingKinds
{
    public const string Filed = "filed";
    public const string Dispositioned = "dispositioned";
    public const string Corrected = "corrected";
    public const string Split = "split";
    public const string Merged = "merged";
}

/// <summary>
/// Every placement of a scanned document, append-only: where it was filed, dispositioned or moved to, by whom, when and
/// why. A misfile correction adds a row naming both the old and the new place.
/// </summary>
public sealed class DocumentFiling
{
    public long Id { get; set; }

    public Guid DocumentId { get; set; }

    public required string Kind { get; set; }

    public ScannedDocumentStatus Status { get; set; }

    public Guid? PatientId { get; set; }

    public Guid? EncounterId { get; set; }

    public Guid? DocumentTypeId { get; set; }

    public Guid? ClinicalNoteId { get; set; }

    public Guid? PreviousPatientId { get; set; }

    public Guid? PreviousEncounterId { get; set; }

    public Guid? PreviousDocumentTypeId { get; set; }

    public string? Reason { get; set; }

    public Guid? ByUserId { get; set; }

    public DateTimeOffset At { get; set; }
}

internal sealed class DocumentPageConfiguration : IEntityTypeConfiguration<DocumentPage>
{
    public void Configure(EntityTypeBuilder<DocumentPage> builder)
    {
        builder.ToTable("pages", Schemas.Documents);
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedNever();
        builder.HasIndex(p => new { p.ReceivedFileId, p.Number }).IsUnique();
        builder.Property(p => p.TextSource).HasConversion(s => s.ToString().ToLowerInvariant(), s => Enum.Parse<PageTextSource>(s, true)).HasMaxLength(8);
        builder.Property(p => p.OcrStatus).HasConversion(s => ToSnake(s), s => FromSnake(s)).HasMaxLength(16);
        // The OCR job takes pending pages oldest file first.
        builder.HasIndex(p => p.OcrStatus).HasFilter("ocr_status = 'pending'");
        builder.HasOne<ReceivedFile>().WithMany().HasForeignKey(p => p.ReceivedFileId).OnDelete(DeleteBehavior.Restrict);
    }

    private static string ToSnake(PageOcrStatus s) => s == PageOcrStatus.NotNeeded ? "not_needed" : s.ToString().ToLowerInvariant();

    private static PageOcrStatus FromSnake(string s) => s == "not_needed" ? PageOcrStatus.NotNeeded : Enum.Parse<PageOcrStatus>(s, true);
}

internal sealed class ScannedDocumentConfiguration : IEntityTypeConfiguration<ScannedDocument>
{
    public void Configure(EntityTypeBuilder<ScannedDocument> builder)
    {
        builder.ToTable("documents", Schemas.Documents);
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedNever();
        builder.Property(d => d.Status).HasConversion(s => s.ToString().ToLowerInvariant(), s => Enum.Parse<ScannedDocumentStatus>(s, true)).HasMaxLength(16);
        builder.Property(d => d.Reason).HasMaxLength(1000);
        builder.Property(d => d.Source).HasMaxLength(64);
        builder.Property(d => d.Author).HasMaxLength(200);
        builder.Property(d => d.IndexedBy).HasMaxLength(16);
        builder.Property(d => d.Version).IsRowVersion();
        // The indexing queue: by status, oldest first, keyset on (received_at, id).
        builder.HasIndex(d => new { d.Status, d.ReceivedAt, d.Id });
        builder.HasIndex(d => new { d.Status, d.Source, d.ReceivedAt, d.Id });
        builder.HasIndex(d => d.PatientId);
        builder.HasIndex(d => d.ClinicalNoteId);
        builder.HasIndex(d => d.ReceivedFileId);
        builder.HasOne<ReceivedFile>().WithMany().HasForeignKey(d => d.ReceivedFileId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<DocumentType>().WithMany().HasForeignKey(d => d.DocumentTypeId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ScannedDocumentPageConfiguration : IEntityTypeConfiguration<ScannedDocumentPage>
{
    public void Configure(EntityTypeBuilder<ScannedDocumentPage> builder)
    {
        builder.ToTable("document_pages", Schemas.Documents);
        builder.HasKey(p => new { p.DocumentId, p.Ordinal });
        builder.HasIndex(p => p.PageId).IsUnique();
        builder.HasOne<ScannedDocument>().WithMany().HasForeignKey(p => p.DocumentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<DocumentPage>().WithMany().HasForeignKey(p => p.PageId).OnDelete(DeleteBehavior.Restrict);
        builder.ToTable(t => t.HasCheckConstraint("ck_document_pages_rotation", "rotation in (0, 90, 180, 270)"));
    }
}

internal sealed class DocumentTypeConfiguration : IEntityTypeConfiguration<DocumentType>
{
    public void Configure(EntityTypeBuilder<DocumentType> builder)
    {
        builder.ToTable("document_types", Schemas.Documents);
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Name).HasMaxLength(100);
        builder.Property(t => t.LoincCode).HasMaxLength(16);
        builder.Property(t => t.Version).IsRowVersion();
        builder.HasIndex(t => t.Name).IsUnique();
        builder.HasData(DocumentTypeSeed.Types);
    }
}

internal sealed class DocumentFilingConfiguration : IEntityTypeConfiguration<DocumentFiling>
{
    public void Configure(EntityTypeBuilder<DocumentFiling> builder)
    {
        builder.ToTable("filings", Schemas.Documents);
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Id).UseIdentityAlwaysColumn();
        builder.Property(f => f.Kind).HasMaxLength(16);
        builder.Property(f => f.Status).HasConversion(s => s.ToString().ToLowerInvariant(), s => Enum.Parse<ScannedDocumentStatus>(s, true)).HasMaxLength(16);
        builder.Property(f => f.Reason).HasMaxLength(1000);
        builder.HasIndex(f => new { f.DocumentId, f.Id });
        builder.HasIndex(f => f.At);
        builder.HasOne<ScannedDocument>().WithMany().HasForeignKey(f => f.DocumentId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>The catalogue a fresh install starts with (issue 15 item 3); HIM managers add, rename and retire types.</summary>
public static class DocumentTypeSeed
{
    public static readonly DocumentType[] Types =
    [
        Type("0d6f2a10-15a1-4c0e-9d01-000000000001", "History and physical", "34117-2", 10),
        Type("0d6f2a10-15a1-4c0e-9d01-000000000002", "Discharge summary", "18842-5", 20),
        Type("0d6f2a10-15a1-4c0e-9d01-000000000003", "Operative note", "11504-8", 30),
        Type("0d6f2a10-15a1-4c0e-9d01-000000000004", "Progress note", "11506-3", 40),
        Type("0d6f2a10-15a1-4c0e-9d01-000000000005", "Consultation note", "11488-4", 50),
        Type("0d6f2a10-15a1-4c0e-9d01-000000000006", "Consent", "59284-0", 60),
        // Local types: no single LOINC document code names them; a manager may set one.
        Type("0d6f2a10-15a1-4c0e-9d01-000000000007", "Outside records", null, 70),
        Type("0d6f2a10-15a1-4c0e-9d01-000000000008", "Authorization for release of information", null, 80),
        Type("0d6f2a10-15a1-4c0e-9d01-000000000009", "Correspondence", null, 90),
    ];

    public static readonly Guid HistoryAndPhysical = Types[0].Id;
    public static readonly Guid DischargeSummary = Types[1].Id;
    public static readonly Guid OperativeNote = Types[2].Id;
    public static readonly Guid ProgressNote = Types[3].Id;
    public static readonly Guid Consent = Types[5].Id;
    public static readonly Guid OutsideRecords = Types[6].Id;
    public static readonly Guid Authorization = Types[7].Id;
    public static readonly Guid Correspondence = Types[8].Id;

    private static DocumentType Type(string id, string name, string? loinc, int order) =>
        new() { Id = Guid.Parse(id), Name = name, LoincCode = loinc, SortOrder = order };
}
