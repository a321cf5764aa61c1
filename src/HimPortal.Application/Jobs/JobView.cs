using System.Linq.Expressions;
using HimPortal.Data.Jobs;

namespace HimPortal.Application.Jobs;

/// <summary>A job as people see it: what it is, who asked, where it stands.</summary>
public sealed record JobView(
    Guid Id,
    string Kind,
    string Status,
    Guid? RequestedByUserId,
    string RequestedByName,
    DateTimeOffset RequestedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    int Attempts,
    int MaxAttempts,
    int ProgressDone,
    int? ProgressTotal,
    string? ProgressNote,
    string? Error,
    bool CancelRequested,
    string? Result)
{
    public string Title => JobTitles.For(Kind);

    public bool IsFinished => JobStatus.IsFinished(Status);

    /// <summary>0–100, or null when the job has not said how much there is.</summary>
    public int? Percent => ProgressTotal is { } total and > 0 ? (int)Math.Min(100, ProgressDone * 100L / total) : null;

    internal static readonly Expression<Func<Job, JobView>> FromRow = j => new JobView(j.Id, j.Kind, j.Status, j.RequestedByUserId,
        j.RequestedByName, j.RequestedAt, j.StartedAt, j.FinishedAt, j.Attempts, j.MaxAttempts, j.ProgressDone, j.ProgressTotal,
        j.ProgressNote, j.Error, j.CancelRequestedAt != null, j.Result);
}

/// <summary>What each kind of job is called on the pages.</summary>
public static class JobTitles
{
    public static string For(string kind) => kind switch
    {
        "intake.import-upload" => "Import of uploaded FHIR bundles",
        "intake.import-folder" => "Import of a server folder of FHIR bundles",
        "compliance.privacy-monitoring" => "Privacy monitoring rules",
        "compliance.chain-verification" => "Audit chain verification",
        "audit.ensure-partitions" => "Audit partition upkeep",
        "completion.age-records" => "Chart completion aging (notices, suspensions)",
        _ => kind,
    };
}
