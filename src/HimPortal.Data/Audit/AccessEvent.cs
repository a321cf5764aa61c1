using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Audit;

/// <summary>
/// One row of the append-only access audit: who did what to which record, when, from where and why.
/// Rows are chained per lane by SHA-256 (docs/adr/0003-access-audit.md); PostgreSQL rejects UPDATE, DELETE and TRUNCATE.
/// </summary>
public sealed class AccessEvent
{
    public Guid Id { get; init; }

    /// <summary>
    /// When it happened. From <see cref="DatabaseTimedFormat"/> on, stamped by audit.append under the lane's lock, never
    /// given by the caller; the writer sets it from what audit.append returns.
    /// </summary>
    public DateTimeOffset OccurredAt { get; set; }

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

    /// <summary>
    /// How the row is hashed (docs/adr/0020-audit-time-and-outside-anchors.md): <see cref="WriterTimedFormat"/> rows carry the
    /// time their writer gave (rows from before the AuditTrust migration, and `audit generate`'s synthetic history);
    /// <see cref="DatabaseTimedFormat"/> rows were timed by audit.append, and their link covers that time.
    /// </summary>
    public short Format { get; set; } = DatabaseTimedFormat;

    /// <summary>Set once, by the audit writer, from everything above; the database never lets it change.</summary>
    public required byte[] Hash { get; set; }

    /// <summary>Content digest over every column including the time (the writer's); link over the digest.</summary>
    public const short WriterTimedFormat = 2;

    /// <summary>Content digest without the time; link over the database's time and the digest.</summary>
    public const short DatabaseTimedFormat = 3;

    /// <summary>The rows of the notable-events index: the SQL predicate, repeated in queries so the planner can use it.</summary>
    public const string NotableFilter =
        "action IN ('break-glass','export','print','disclose','admin') OR outcome <> 'success' OR purpose = 'ETREAT'";
}

/// <summary>
/// The newest link of each hash-chain lane. The append function (audit.append) reads it instead of the table, so an
/// append costs one primary-key read however many monthly partitions there are, and moves it in the same transaction:
/// an append that does not extend the head it read fails. Verification compares each lane's last row with it, so the
/// removal of a lane's newest rows is detected too.
/// </summary>
public sealed class AuditLaneHead
{
    public short Lane { get; init; }

    public long LaneSeq { get; init; }

    public required byte[] Hash { get; init; }

    public DateTimeOffset? OccurredAt { get; init; }
}

/// <summary>A month of the audit that was archived (copied out, checked, detached) after the retention period.</summary>
public sealed class ArchivedAuditPartition
{
    public required string PartitionName { get; init; }

    public DateTimeOffset RangeFrom { get; init; }

    public DateTimeOffset RangeTo { get; init; }

    public long Rows { get; init; }

    /// <summary>SHA-256 of the archive file as written, so the copy kept elsewhere can be checked.</summary>
    public required byte[] FileSha256 { get; init; }

    public required string FileName { get; init; }

    public DateTimeOffset ArchivedAt { get; init; }

    public required string ArchivedBy { get; init; }
}

/// <summary>
/// An archived row whose successor in its lane is still in the table: the verifier links the oldest kept rows to these
/// instead of to the genesis, so the chain of what is kept still verifies after old months are archived.
/// </summary>
public sealed class AuditArchiveLink
{
    public short Lane { get; init; }

    public long LaneSeq { get; init; }

    public required byte[] Hash { get; init; }

    public required string PartitionName { get; init; }
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
            t.HasCheckConstraint("ck_access_events_format", "format IN (2, 3)");
        });
        // Partitioned by month on occurred_at (docs/adr/0008): PostgreSQL requires the partition key in every unique key.
        builder.HasKey(e => new { e.Id, e.OccurredAt });
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

        // Not unique: a partitioned table cannot enforce it across months. audit.lane_heads does, more strictly (each
        // append must extend its lane's head); this index serves the verifier's predecessor look-ups.
        builder.HasIndex(e => new { e.Lane, e.LaneSeq });
        // "Who accessed patient X" and "what did user Y do": newest first, keyset on (occurred_at, id), served straight
        // from the index of each month, newest month first (an ordered Append that stops at the page size).
        // Both also carry what the ready views count (who, what, outcome, purpose), so their summaries over a patient's
        // history or a user's month are index-only scans instead of thousands of random heap reads.
        builder.HasIndex(e => new { e.PatientId, e.OccurredAt, e.Id }).IsDescending(false, true, true).HasFilter("patient_id IS NOT NULL")
            .IncludeProperties(e => new { e.UserId, e.Action, e.Outcome, e.Purpose });
        builder.HasIndex(e => new { e.UserId, e.OccurredAt, e.Id }).IsDescending(false, true, true)
            .IncludeProperties(e => new { e.PatientId, e.Action, e.Outcome, e.Purpose });
        builder.HasIndex(e => e.OccurredAt).HasMethod("brin");
        // The rare events a reviewer filters by (emergency access, exports, prints, disclosures, administration, refusals
        // and errors): a partial index small enough to cost ordinary appends nothing but the predicate.
        builder.HasIndex(e => new { e.OccurredAt, e.Id }).HasDatabaseName("ix_access_events_notable").IsDescending(true, true)
            .HasFilter(AccessEvent.NotableFilter);
        // Account history (locks, role changes) for the disabled-account monitoring rule.
        builder.HasIndex(e => new { e.ResourceId, e.OccurredAt }).HasDatabaseName("ix_access_events_admin").HasFilter("action = 'admin'");
    }
}

internal sealed class AuditLaneHeadConfiguration : IEntityTypeConfiguration<AuditLaneHead>
{
    public void Configure(EntityTypeBuilder<AuditLaneHead> builder)
    {
        builder.ToTable("lane_heads", Schemas.Audit, t => t.HasCheckConstraint("ck_lane_heads_hash", "octet_length(hash) = 32"));
        builder.HasKey(e => e.Lane);
        builder.Property(e => e.Lane).ValueGeneratedNever();
    }
}

internal sealed class ArchivedAuditPartitionConfiguration : IEntityTypeConfiguration<ArchivedAuditPartition>
{
    public void Configure(EntityTypeBuilder<ArchivedAuditPartition> builder)
    {
        builder.ToTable("archived_partitions", Schemas.Audit);
        builder.HasKey(e => e.PartitionName);
        builder.Property(e => e.PartitionName).HasMaxLength(63);
        builder.Property(e => e.FileName).HasMaxLength(500);
        builder.Property(e => e.ArchivedBy).HasMaxLength(256);
    }
}

internal sealed class AuditArchiveLinkConfiguration : IEntityTypeConfiguration<AuditArchiveLink>
{
    public void Configure(EntityTypeBuilder<AuditArchiveLink> builder)
    {
        builder.ToTable("archive_links", Schemas.Audit);
        builder.HasKey(e => new { e.Lane, e.LaneSeq });
        builder.Property(e => e.PartitionName).HasMaxLength(63);
        builder.HasOne<ArchivedAuditPartition>().WithMany().HasForeignKey(e => e.PartitionName).OnDelete(DeleteBehavior.Restrict);
    }
}
