using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Auditing;

/// <summary>
/// One row of the append-only access audit: who did what to which record, when, from where and why.
/// Rows are chained per lane by SHA-256 (docs/adr/0003-access-audit.md); PostgreSQL rejects UPDATE, DELETE and TRUNCATE.
/// </summary>
public sealed class AccessEvent
{
    public Guid Id { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public Guid? UserId { get; init; }

    public string? UserName { get; init; }

    public string[] Roles { get; init; } = [];

    public required string Action { get; init; }

    public required string Outcome { get; init; }

    public Guid? PatientId { get; init; }

    public string? ResourceType { get; init; }

    public string? ResourceId { get; init; }

    /// <summary>Purpose of use or reason given (for example a break-the-glass reason, or why a sign-in failed).</summary>
    public string? Purpose { get; init; }

    /// <summary>What was shown or changed, as short structured text (for example the chart sections displayed).</summary>
    public string? Details { get; init; }

    public string? ClientIp { get; init; }

    public string? UserAgent { get; init; }

    public string? CorrelationId { get; init; }

    public short Lane { get; set; }

    public long LaneSeq { get; set; }

    public required byte[] PrevHash { get; set; }

    /// <summary>Set once, by the audit writer, from everything above; the database never lets it change.</summary>
    public required byte[] Hash { get; set; }
}

internal sealed class AccessEventConfiguration : IEntityTypeConfiguration<AccessEvent>
{
    public void Configure(EntityTypeBuilder<AccessEvent> builder)
    {
        builder.ToTable("access_events", Schemas.Audit, t =>
        {
            t.HasCheckConstraint("ck_access_events_action",
                "action IN ('login','login-failed','logout','view','search','create','update','delete','print','export','disclose','break-glass','admin')");
            t.HasCheckConstraint("ck_access_events_outcome", "outcome IN ('success','denied','error')");
            t.HasCheckConstraint("ck_access_events_hashes", "octet_length(hash) = 32 AND octet_length(prev_hash) = 32");
        });
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.UserName).HasMaxLength(256);
        builder.Property(e => e.Action).HasMaxLength(20);
        builder.Property(e => e.Outcome).HasMaxLength(10);
        builder.Property(e => e.ResourceType).HasMaxLength(64);
        builder.Property(e => e.ResourceId).HasMaxLength(128);
        builder.Property(e => e.Purpose).HasMaxLength(1000);
        builder.Property(e => e.Details).HasMaxLength(4000);
        builder.Property(e => e.ClientIp).HasMaxLength(64);
        builder.Property(e => e.UserAgent).HasMaxLength(512);
        builder.Property(e => e.CorrelationId).HasMaxLength(64);

        builder.HasIndex(e => new { e.Lane, e.LaneSeq }).IsUnique();
        builder.HasIndex(e => new { e.PatientId, e.OccurredAt }).IsDescending(false, true).HasFilter("patient_id IS NOT NULL");
        builder.HasIndex(e => new { e.UserId, e.OccurredAt }).IsDescending(false, true);
        builder.HasIndex(e => e.OccurredAt).HasMethod("brin");
    }
}
