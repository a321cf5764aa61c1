using HimPortal.Application.Jobs;

namespace HimPortal.Application.Audit.EnsureAuditPartitions;

/// <summary>The audit's monthly partitions kept ahead (twice a day by default, Jobs:Schedules), as the scheduler.</summary>
[JobKind("audit.ensure-partitions")]
public sealed class EnsureAuditPartitionsJob(EnsureAuditPartitionsHandler partitions) : IJobWork
{
    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var result = await partitions.HandleAsync(new EnsureAuditPartitionsCommand(), ct);
        if (result.Error is { } refused)
        {
            job.FailureMessage = refused.Message;
            return JobOutcome.Failed;
        }

        job.Result = new { Created = result.Value };
        return JobOutcome.Succeeded;
    }
}
