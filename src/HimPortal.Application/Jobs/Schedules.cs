using HimPortal.Application.Audit;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace HimPortal.Application.Jobs;

/// <summary>
/// What a schedule does when it fires (Quartz.NET, clustered on its PostgreSQL store, so one node of the cluster fires
/// it): it puts one job of the schedule's kind on the queue, as the scheduler, with the kind as its dedupe key — a fire
/// while the last run is still queued or running adds nothing. The work itself runs on the queue like any other job.
/// </summary>
[DisallowConcurrentExecution]
public sealed class EnqueueOnSchedule(IServiceScopeFactory scopes) : IJob
{
    public const string KindKey = "kind";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var kind = context.MergedJobDataMap.GetString(KindKey) ?? throw new InvalidOperationException("A schedule without a job kind.");
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActorScope>().RunAs(ActorScope.Scheduler(context.JobDetail.Key.Name, context.FireInstanceId));
        var queue = scope.ServiceProvider.GetRequiredService<JobQueue>();
        // A node that starts while another runs replaces the stored trigger with its own, whose first due time may be one
        // the other node has just fired, or (stored a moment late, Quartz fires it at once) a fraction of a second after
        // it: a due time within half an interval of one already queued is the same fire, queued once in the cluster.
        var interval = context.Trigger is ISimpleTrigger simple ? simple.RepeatInterval : TimeSpan.Zero;
        if (context.ScheduledFireTimeUtc is { } due && await queue.HasScheduledRunAsync(kind, due, interval / 2, cancellationToken))
        {
            return;
        }

        await queue.EnqueueAsync(kind, new ScheduledRun(context.ScheduledFireTimeUtc), new JobRequest(DedupeKey: kind, MaxAttempts: 1), cancellationToken);
    }
}

/// <summary>A scheduled job's payload: when the schedule was due (the work itself knows what to do).</summary>
public sealed record ScheduledRun(DateTimeOffset? ScheduledFor = null) : IJobPayload;
