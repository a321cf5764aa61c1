using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Intake;

/// <summary>
/// A file a clerk uploaded, kept until the job that imports it has run: the upload returns at once and the import
/// survives a restart. The bytes are purged once the import succeeded (the record keeps every resource's JSON); the
/// name, size and SHA-256 stay as the receipt.
/// </summary>
public sealed class UploadedFile
{
    public Guid Id { get; set; }

    /// <summary>The files uploaded together, imported by one job.</summary>
    public Guid UploadId { get; set; }

    public int Ordinal { get; set; }

    /// <summary>The file name as the browser sent it, without any folder.</summary>
    public required string Name { get; set; }

    public long Length { get; set; }

    public required byte[] Sha256 { get; set; }

    /// <summary>The bytes as received; null once purged.</summary>
    public byte[]? Content { get; set; }

    public Guid? UploadedByUserId { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public DateTimeOffset? PurgedAt { get; set; }
}

internal sealed class UploadedFileConfiguration : IEntityTypeConfiguration<UploadedFile>
{
    public void Configure(EntityTypeBuilder<UploadedFile> builder)
    {
        builder.ToTable("uploaded_files", Schemas.Intake);
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Id).ValueGeneratedNever();
        builder.Property(f => f.Name).HasMaxLength(260);
        builder.HasIndex(f => new { f.UploadId, f.Ordinal }).IsUnique();
    }
}
