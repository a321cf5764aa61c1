using HimPortal.Application.Jobs;

namespace HimPortal.Application.Compliance.Monitoring;

/// <summary>The scheduled run of the privacy-monitoring rules (every 15 minutes by default, Jobs:Schedules), as the scheduler.</summary>
[JobKind("compliance.privacy-monitoring")]
public sealed class PrivacyMonitoringJob(RunMonitoringHandler rules) : IJobWork
{
    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var result = await rules.HandleAsync(new RunMonitoringCommand(Scheduled: true), ct);
        if (result.Error is { } refused)
        {
            job.FailureMessage = refused.Message;
            return JobOutcome.Failed;
        }

        var run = result.Value!;
        job.Result = new { run.RunId, run.Skipped, run.Raised, run.Updated };
        return JobOutcome.Succeeded;
    }
}
