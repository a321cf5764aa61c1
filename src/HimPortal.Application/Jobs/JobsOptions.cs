using System.ComponentModel.DataAnnotations;

namespace HimPortal.Application.Jobs;

/// <summary>The job queue's settings (section "Jobs").</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Whether this host runs jobs. The internet-facing portal host never does; the web host does by default.</summary>
    public bool RunWorkers { get; set; } = true;

    /// <summary>Jobs this node runs at once. Each import already uses one connection per core, so 2 is plenty on small hosts.</summary>
    [Range(1, 64)]
    public int Workers { get; set; } = 2;

    /// <summary>How often an idle runner looks for queued jobs (a job queued on this node wakes it at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often a running job's node says it is alive (writing the job's progress), and reads whether someone asked to cancel it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A running job whose node has been silent this long is run again (its node stopped or lost the database).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The first retry's delay; each further retry waits twice as long, up to <see cref="MaxRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Whether this host runs the schedules (Quartz, clustered: each fire runs on one node of the cluster).</summary>
    public bool RunSchedules { get; set; } = true;

    /// <summary>The schedules by name; each enqueues a job of its kind, at most one queued or running at a time.</summary>
    public Dictionary<string, JobSchedule> Schedules { get; set; } = new(StringComparer.Ordinal)
    {
        ["privacy-monitoring"] = new() { Kind = "compliance.privacy-monitoring", Every = TimeSpan.FromMinutes(15) },
        ["audit-partitions"] = new() { Kind = "audit.ensure-partitions", Every = TimeSpan.FromHours(12) },
        ["audit-checkpoints"] = new() { Kind = "audit.checkpoint", Every = TimeSpan.FromHours(1) },
        ["documents-inboxes"] = new() { Kind = "documents.poll-inboxes", Every = TimeSpan.FromMinutes(1) },
        ["documents-qa-sample"] = new() { Kind = "documents.qa-sample", Every = TimeSpan.FromMinutes(1) },
        ["documents-held-retry"] = new() { Kind = "documents.retry-held", Every = TimeSpan.FromHours(1) },
        // Capture queues each file's render job itself; the sweep catches any file left queued (a job that failed for good).
        ["documents-render"] = new() { Kind = "documents.render-sweep", Every = TimeSpan.FromMinutes(15) },
        // Chart completion's notices and suspensions (issue 18 item 4): hourly, so a day's mark is met within the hour; each notice is sent once (unique key).
        ["completion-aging"] = new() { Kind = "completion.age-records", Every = TimeSpan.FromHours(1) },
    };
}

public sealed class JobSchedule
{
    [Required]
    public string Kind { get; set; } = "";

    public bool Enabled { get; set; } = true;

    /// <summary>The interval; fires fall at its whole multiples since 2026-01-01 00:00 UTC, on whichever node is up.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "31.00:00:00")]
    public TimeSpan Every { get; set; } = TimeSpan.FromHours(1);
}
