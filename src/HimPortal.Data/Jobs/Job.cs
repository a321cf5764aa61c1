using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Jobs;

public static class JobStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static readonly IReadOnlyList<string> All = [Queued, Running, Succeeded, Failed, Cancelled];

    public static bool IsFinished(string status) => status is Succeeded or Failed or Cancelled;
}

/// <summary>
/// One piece of work that runs longer than a request or on a schedule (docs/adr/0014): queued by a command in its own
/// transaction, claimed by one node (FOR UPDATE SKIP LOCKED), run as the user who asked for it (or the scheduler),
/// retried with back-off, cancellable, with progress and a result people may read. The payload holds ids and settings,
/// never patient data: the row is read by whoever may watch the queue.
/// </summary>
public sealed class Job
{
    public Guid Id { get; set; }

    /// <summary>What to run, e.g. "intake.import-upload" (the registered kinds are in the application's JobKinds).</summary>
    public required string Kind { get; set; }

    /// <summary>JSON of ids, numbers and codes: never a name, a birth date, an MRN or any clinical text.</summary>
    public required string Payload { get; set; }

    public required string Status { get; set; }

    /// <summary>The person the job runs as (their roles are read again when it starts); null for the scheduler.</summary>
    public Guid? RequestedByUserId { get; set; }

    /// <summary>Who asked for it as the audit names them ("system:privacy-monitoring" for the scheduler).</summary>
    public required string RequestedByName { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    /// <summary>Not before this time: a retry's back-off, or a delayed start.</summary>
    public DateTimeOffset NotBefore { get; set; }

    public int Attempts { get; set; }

    public int MaxAttempts { get; set; }

    /// <summary>At most one queued or running job per key (a schedule that fires while its last run still runs adds nothing).</summary>
    public string? DedupeKey { get; set; }

    public DateTimeOffset? StartedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>The running node's last sign of life; a job whose node went quiet is run again.</summary>
    public DateTimeOffset? HeartbeatAt { get; set; }

    /// <summary>The node running it (machine name and process id).</summary>
    public string? RunningOn { get; set; }

    public int ProgressDone { get; set; }

    public int? ProgressTotal { get; set; }

    /// <summary>What the job is doing, for people ("file 12 of 40").</summary>
    public string? ProgressNote { get; set; }

    /// <summary>The outcome as JSON (the import's per-file results); shown to those who may see the job.</summary>
    public string? Result { get; set; }

    /// <summary>Why the last attempt failed: an exception's type and message, never a stack trace.</summary>
    public string? Error { get; set; }

    public DateTimeOffset? CancelRequestedAt { get; set; }

    public Guid? CancelRequestedByUserId { get; set; }

    public uint Version { get; set; }
}

internal sealed class JobConfiguration : IEntityTypeConfiguration<Job>
{
    public void Configure(EntityTypeBuilder<Job> builder)
    {
        builder.ToTable("jobs", Schemas.Jobs, t =>
        {
            t.HasCheckConstraint("ck_jobs_status", "status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')");
            t.HasCheckConstraint("ck_jobs_attempts", "attempts >= 0 AND max_attempts >= 1");
        });
        builder.HasKey(j => j.Id);
        builder.Property(j => j.Id).ValueGeneratedNever();
        builder.Property(j => j.Kind).HasMaxLength(100);
        builder.Property(j => j.Payload).HasColumnType("jsonb");
        builder.Property(j => j.Status).HasMaxLength(20);
        builder.Property(j => j.RequestedByName).HasMaxLength(256);
        builder.Property(j => j.DedupeKey).HasMaxLength(200);
        builder.Property(j => j.RunningOn).HasMaxLength(200);
        builder.Property(j => j.ProgressNote).HasMaxLength(500);
        builder.Property(j => j.Result).HasColumnType("jsonb");
        builder.Property(j => j.Error).HasMaxLength(2000);
        builder.Property(j => j.Version).IsRowVersion();
        // The claim: the oldest due queued job.
        builder.HasIndex(j => new { j.NotBefore, j.Id }).HasFilter("status = 'queued'").HasDatabaseName("ix_jobs_queued");
        builder.HasIndex(j => j.HeartbeatAt).HasFilter("status = 'running'").HasDatabaseName("ix_jobs_running");
        builder.HasIndex(j => j.DedupeKey).IsUnique().HasFilter("dedupe_key IS NOT NULL AND status IN ('queued', 'running')")
            .HasDatabaseName("ux_jobs_dedupe_key");
        // "My jobs" and the department's queue, newest first, keyset-paged.
        builder.HasIndex(j => new { j.RequestedByUserId, j.RequestedAt, j.Id }).HasDatabaseName("ix_jobs_requested_by");
        builder.HasIndex(j => new { j.RequestedAt, j.Id }).HasDatabaseName("ix_jobs_requested_at");
    }
}
