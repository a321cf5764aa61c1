using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Documents;

/// <summary>Where a filing stands in quality control (issue 15 item 6). Stored as the constants' text.</summary>
public static class QualityReviewStatuses
{
    /// <summary>Considered by the sampler and not drawn: the marker that it was considered, nothing to do.</summary>
    public const string NotSampled = "not-sampled";

    /// <summary>Drawn for review: in the QA queue.</summary>
    public const string Pending = "pending";

    public const string Confirmed = "confirmed";

    /// <summary>The reviewer corrected what was filed (type, encounter, date, author, signature, or the patient: a misfile).</summary>
    public const string Corrected = "corrected";

    public const string Check = "status IN ('not-sampled','pending','confirmed','corrected')";
}

/// <summary>Why a filing was drawn for review.</summary>
public static class QualitySampleReasons
{
    /// <summary>One of the indexer's first documents (Documents:QualityReview:NewClerkDocuments): all are reviewed.</summary>
    public const string NewClerk = "new-clerk";

    /// <summary>Drawn at the configured rate.</summary>
    public const string Rate = "rate";
}

/// <summary>
/// The quality-control state of one <c>filed</c> filing (documents.filings): one row per filing the sampler has considered,
/// drawn or not, so each filing is considered once whichever way it was filed (a clerk, a cover sheet). A drawn one waits
/// in the QA queue until another clerk confirms or corrects it. What was filed is kept here as it was at filing (type,
/// indexer) so the error rates per clerk and per type do not move when the document is later corrected.
/// </summary>
public sealed class QualityReview
{
    public Guid Id { get; set; }

    /// <summary>The <c>filed</c> filing considered (unique: the sampler's marker).</summary>
    public long FilingId { get; set; }

    public Guid DocumentId { get; set; }

    /// <summary>Who indexed it; null for the system (a cover sheet).</summary>
    public Guid? IndexedByUserId { get; set; }

    /// <summary>"clerk" or "cover-sheet", as the document says.</summary>
    public string? IndexedBy { get; set; }

    public Guid? DocumentTypeId { get; set; }

    public DateTimeOffset FiledAt { get; set; }

    public DateTimeOffset ConsideredAt { get; set; }

    public required string Status { get; set; }

    /// <summary>Why it was drawn (<see cref="QualitySampleReasons"/>); null when not drawn.</summary>
    public string? SampleReason { get; set; }

    public Guid? ReviewedByUserId { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }

    /// <summary>What the reviewer corrected, comma-separated field names ("type,date", "patient"); null when confirmed.</summary>
    public string? Corrections { get; set; }

    public string? Notes { get; set; }

    public uint Version { get; set; }
}

/// <summary>
/// The HIM manager's QA settings as stored (one row, id 1): they override Documents:QualityReview from configuration
/// while present, so a manager changes the rate without a deployment.
/// </summary>
public sealed class QualityReviewSetting
{
    public int Id { get; set; }

    /// <summary>The share of an experienced indexer's filings drawn for review, 0 to 1.</summary>
    public decimal Rate { get; set; }

    public int NewClerkDocuments { get; set; }

    public Guid? UpdatedByUserId { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public uint Version { get; set; }
}

internal sealed class QualityReviewConfiguration : IEntityTypeConfiguration<QualityReview>
{
    public void Configure(EntityTypeBuilder<QualityReview> builder)
    {
        builder.ToTable("quality_reviews", Schemas.Documents, t => t.HasCheckConstraint("ck_quality_reviews_status", QualityReviewStatuses.Check));
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedNever();
        builder.Property(r => r.Status).HasMaxLength(16);
        builder.Property(r => r.SampleReason).HasMaxLength(16);
        builder.Property(r => r.IndexedBy).HasMaxLength(16);
        builder.Property(r => r.Corrections).HasMaxLength(200);
        builder.Property(r => r.Notes).HasMaxLength(4000);
        builder.Property(r => r.Version).IsRowVersion();
        builder.HasIndex(r => r.FilingId).IsUnique();
        // The sampler counts an indexer's earlier filings (all of a new clerk's first N are drawn).
        builder.HasIndex(r => new { r.IndexedByUserId, r.FiledAt });
        // The QA queue: pending, oldest filing first, keyset on (filed_at, id).
        builder.HasIndex(r => new { r.FiledAt, r.Id }).HasFilter("status = 'pending'");
        builder.HasIndex(r => r.ReviewedAt);
        builder.HasIndex(r => r.DocumentId);
        builder.HasOne<DocumentFiling>().WithMany().HasForeignKey(r => r.FilingId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<ScannedDocument>().WithMany().HasForeignKey(r => r.DocumentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class QualityReviewSettingConfiguration : IEntityTypeConfiguration<QualityReviewSetting>
{
    public void Configure(EntityTypeBuilder<QualityReviewSetting> builder)
    {
        builder.ToTable("quality_review_settings", Schemas.Documents, t =>
        {
            t.HasCheckConstraint("ck_quality_review_settings_one_row", "id = 1");
            t.HasCheckConstraint("ck_quality_review_settings_rate", "rate >= 0 AND rate <= 1");
        });
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Rate).HasPrecision(5, 4);
        builder.Property(s => s.Version).IsRowVersion();
    }
}
