using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Documents;

/// <summary>Where a received file stands. Stored as its lower-case name.</summary>
public enum ReceivedFileStatus
{
    /// <summary>Readable, kept, waiting for its pages to be split out.</summary>
    Queued,

    /// <summary>Its pages have been split out and rendered.</summary>
    Split,

    /// <summary>A PDF or TIFF that cannot be read (encrypted, corrupt, no pages, hostile): kept whole for a person to look at.</summary>
    Unreadable,

    /// <summary>Not taken: not a PDF or TIFF, empty, or over Documents:MaxFileBytes. Only the receipt is kept, not the bytes.</summary>
    Refused,
}

/// <summary>
/// A scanned or faxed file as received, one row per distinct content: the same bytes received again are recognised by
/// their SHA-256 and not queued twice. The bytes themselves are in the document store under the same id, unchanged.
/// </summary>
public sealed class ReceivedFile
{
    public Guid Id { get; set; }

    /// <summary>The SHA-256 of the bytes; null only for a file refused unread for its size.</summary>
    public byte[]? Sha256 { get; set; }

    /// <summary>Where it came from: an inbox's name (fax server, scanner station), "upload" or "import".</summary>
    public required string Source { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>The file's name as it arrived, without any folder.</summary>
    public required string OriginalName { get; set; }

    public long Length { get; set; }

    /// <summary>application/pdf or image/tiff, from the magic bytes; null when neither.</summary>
    public string? MediaType { get; set; }

    public int? PageCount { get; set; }

    public ReceivedFileStatus Status { get; set; }

    /// <summary>Why the file was refused or parked, for the person who looks at it; never document text.</summary>
    public string? Problem { get; set; }

    public Guid? ReceivedByUserId { get; set; }

    /// <summary>Whether the bytes are in the document store (not for a refused file).</summary>
    public bool Stored { get; set; }
}

/// <summary>
/// The PostgreSQL document store's objects (ADR 0024): bytes by id in bytea, written once, never changed. An S3-compatible
/// store replaces this table, not the rows that point at it.
/// </summary>
public sealed class StoredObject
{
    public Guid Id { get; set; }

    public long Length { get; set; }

    public required byte[] Content { get; set; }

    public DateTimeOffset StoredAt { get; set; }
}

/// <summary>
/// A file a clerk uploaded, waiting for the capture job: its bytes are a document-store object under this row's id,
/// deleted with the row once the job has captured it (the capture keeps its own copy under the received file's id).
/// </summary>
public sealed class PendingUpload
{
    public Guid Id { get; set; }

    /// <summary>The files uploaded together, captured by one job.</summary>
    public Guid UploadId { get; set; }

    public int Ordinal { get; set; }

    /// <summary>The file's name as the browser sent it, without any folder.</summary>
    public required string Name { get; set; }

    public long Length { get; set; }

    public Guid? UploadedByUserId { get; set; }

    public DateTimeOffset UploadedAt { get; set; }
}

internal sealed class PendingUploadConfiguration : IEntityTypeConfiguration<PendingUpload>
{
    public void Configure(EntityTypeBuilder<PendingUpload> builder)
    {
        builder.ToTable("pending_uploads", Schemas.Documents);
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Id).ValueGeneratedNever();
        builder.Property(u => u.Name).HasMaxLength(260);
        builder.HasIndex(u => new { u.UploadId, u.Ordinal }).IsUnique();
    }
}

internal sealed class ReceivedFileConfiguration : IEntityTypeConfiguration<ReceivedFile>
{
    public void Configure(EntityTypeBuilder<ReceivedFile> builder)
    {
        builder.ToTable("received_files", Schemas.Documents);
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Id).ValueGeneratedNever();
        builder.Property(f => f.Source).HasMaxLength(64);
        builder.Property(f => f.OriginalName).HasMaxLength(260);
        builder.Property(f => f.MediaType).HasMaxLength(64);
        builder.Property(f => f.Problem).HasMaxLength(1000);
        builder.Property(f => f.Status).HasConversion(s => s.ToString().ToLowerInvariant(), s => Enum.Parse<ReceivedFileStatus>(s, true)).HasMaxLength(16);
        // The dedupe: PostgreSQL treats nulls as distinct, so receipts refused for size never collide.
        builder.HasIndex(f => f.Sha256).IsUnique();
        // The work queue and the unreadable list read by status, oldest first.
        builder.HasIndex(f => new { f.Status, f.ReceivedAt });
    }
}

internal sealed class StoredObjectConfiguration : IEntityTypeConfiguration<StoredObject>
{
    public void Configure(EntityTypeBuilder<StoredObject> builder)
    {
        builder.ToTable("objects", Schemas.Documents);
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Id).ValueGeneratedNever();
    }
}
