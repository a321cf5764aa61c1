using HimPortal.Data.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Compliance;

/// <summary>How the compliance office has switched and tuned one privacy-monitoring rule; absent means the rule's defaults.</summary>
public sealed class MonitoringRuleSetting
{
    public required string RuleCode { get; set; }

    public bool Enabled { get; set; }

    /// <summary>The rule's parameters as a JSON object of name → value; each rule validates its own.</summary>
    public required string Parameters { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public Guid? UpdatedByUserId { get; set; }

    public uint Version { get; set; }
}

/// <summary>
/// A privacy-monitoring alert: what a rule found (a user, usually a patient, the events), and the reviewer's disposition.
/// One alert per rule, user, patient and day (<see cref="DedupeKey"/>): re-running a rule adds evidence to an open alert
/// instead of raising a second one.
/// </summary>
public sealed class PrivacyAlert
{
    public Guid Id { get; set; }

    public required string RuleCode { get; set; }

    public required string DedupeKey { get; set; }

    public Guid? UserId { get; set; }

    public string? UserName { get; set; }

    public Guid? PatientId { get; set; }

    public DateTimeOffset FirstEventAt { get; set; }

    public DateTimeOffset LastEventAt { get; set; }

    public int EventCount { get; set; }

    public required string Summary { get; set; }

    /// <summary>The facts the rule matched on and the audit events (id, time, action, resource, details), as JSON.</summary>
    public required string Evidence { get; set; }

    public DateTimeOffset RaisedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }

    public Guid? ReviewedByUserId { get; set; }

    /// <summary>appropriate, inappropriate or follow-up; null while the alert waits for review.</summary>
    public string? Disposition { get; set; }

    public string? ReviewNotes { get; set; }

    public uint Version { get; set; }
}

/// <summary>One pass of the monitoring rules (scheduled or on demand) over a window of the access log.</summary>
public sealed class MonitoringRun
{
    public Guid Id { get; set; }

    /// <summary>schedule or on-demand.</summary>
    public required string Trigger { get; set; }

    public Guid? RequestedByUserId { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset FinishedAt { get; set; }

    public DateTimeOffset WindowFrom { get; set; }

    public DateTimeOffset WindowTo { get; set; }

    public int AlertsRaised { get; set; }

    public int AlertsUpdated { get; set; }

    /// <summary>Per rule: code → alerts raised, as JSON (no patient data).</summary>
    public required string RuleCounts { get; set; }
}

/// <summary>A verification of the audit hash chain asked for on the tamper-evidence page, run in the background.</summary>
public sealed class ChainVerification
{
    public Guid Id { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public Guid? RequestedByUserId { get; set; }

    public string? RequestedByName { get; set; }

    /// <summary>The range checked (UTC, half-open); both null for the whole chain.</summary>
    public DateTimeOffset? RangeFrom { get; set; }

    public DateTimeOffset? RangeTo { get; set; }

    /// <summary>queued, running, intact, broken or failed.</summary>
    public required string Status { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public long RowsChecked { get; set; }

    public int LanesSeen { get; set; }

    /// <summary>The breaks found (row id, lane, sequence, time, problem) as JSON; empty when intact.</summary>
    public string? Breaks { get; set; }

    public string? Error { get; set; }
}

public static class Dispositions
{
    public const string Appropriate = "appropriate";
    public const string Inappropriate = "inappropriate";
    public const string FollowUp = "follow-up";

    public static readonly IReadOnlyList<string> All = [Appropriate, Inappropriate, FollowUp];

    public const string Check = "disposition IS NULL OR disposition IN ('appropriate','inappropriate','follow-up')";
}

internal sealed class MonitoringRuleSettingConfiguration : IEntityTypeConfiguration<MonitoringRuleSetting>
{
    public void Configure(EntityTypeBuilder<MonitoringRuleSetting> builder)
    {
        builder.ToTable("monitoring_rules", Schemas.Compliance);
        builder.HasKey(e => e.RuleCode);
        builder.Property(e => e.RuleCode).HasMaxLength(40);
        builder.Property(e => e.Parameters).HasColumnType("jsonb");
        builder.Property(e => e.Version).IsRowVersion();
    }
}

internal sealed class PrivacyAlertConfiguration : IEntityTypeConfiguration<PrivacyAlert>
{
    public void Configure(EntityTypeBuilder<PrivacyAlert> builder)
    {
        builder.ToTable("alerts", Schemas.Compliance, t => t.HasCheckConstraint("ck_alerts_disposition", Dispositions.Check));
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.RuleCode).HasMaxLength(40);
        builder.Property(e => e.DedupeKey).HasMaxLength(200);
        builder.Property(e => e.UserName).HasMaxLength(256);
        builder.Property(e => e.Summary).HasMaxLength(1000);
        builder.Property(e => e.Evidence).HasColumnType("jsonb");
        builder.Property(e => e.Disposition).HasMaxLength(20);
        builder.Property(e => e.ReviewNotes).HasMaxLength(4000);
        builder.Property(e => e.Version).IsRowVersion();
        builder.HasIndex(e => e.DedupeKey).IsUnique();
        // The review queue: oldest open alert first.
        builder.HasIndex(e => e.RaisedAt).HasFilter("reviewed_at IS NULL");
        builder.HasIndex(e => new { e.RuleCode, e.RaisedAt });
        builder.HasIndex(e => e.UserId);
        builder.HasIndex(e => e.PatientId);
    }
}

internal sealed class MonitoringRunConfiguration : IEntityTypeConfiguration<MonitoringRun>
{
    public void Configure(EntityTypeBuilder<MonitoringRun> builder)
    {
        builder.ToTable("monitoring_runs", Schemas.Compliance);
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Trigger).HasMaxLength(20);
        builder.Property(e => e.RuleCounts).HasColumnType("jsonb");
        builder.HasIndex(e => e.StartedAt);
    }
}

internal sealed class ChainVerificationConfiguration : IEntityTypeConfiguration<ChainVerification>
{
    public void Configure(EntityTypeBuilder<ChainVerification> builder)
    {
        builder.ToTable("chain_verifications", Schemas.Compliance, t =>
            t.HasCheckConstraint("ck_chain_verifications_status", "status IN ('queued','running','intact','broken','failed')"));
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.RequestedByName).HasMaxLength(256);
        builder.Property(e => e.Status).HasMaxLength(10);
        builder.Property(e => e.Breaks).HasColumnType("jsonb");
        builder.Property(e => e.Error).HasMaxLength(1000);
        builder.HasIndex(e => e.RequestedAt);
        builder.HasIndex(e => e.Status).HasFilter("status IN ('queued','running')");
        builder.HasOne<HimUser>().WithMany().HasForeignKey(e => e.RequestedByUserId).OnDelete(DeleteBehavior.Restrict);
    }
}
