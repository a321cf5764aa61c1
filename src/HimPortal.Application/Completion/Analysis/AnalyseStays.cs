using HimPortal.Application.Access;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Analysis;

/// <summary>Take up to <paramref name="BatchSize"/> stays off completion.analysis_queue and analyse them.</summary>
public sealed record AnalyseStaysCommand(int BatchSize = 1000);

/// <summary>How many stays one batch analysed, and whether any are left on the queue.</summary>
public sealed record StaysAnalysed(int Stays, bool MoreQueued);

/// <summary>
/// The analysis of queued stays (ADR 0035). SHARED SKELETON on main: the cc-analysis branch replaces the body with the
/// rule evaluation (the queue is drained here so that imports work before it lands).
/// </summary>
[RequiresPermission(Permissions.CompletionRun)]
public sealed class AnalyseStaysHandler(PermissionCheck permissions, HimDbContext db) : Handler<AnalyseStaysCommand, Result<StaysAnalysed>>(permissions)
{
    protected override async Task<Result<StaysAnalysed>> ExecuteAsync(AnalyseStaysCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await db.InTransactionAsync(async token =>
        {
            var batch = await db.Database.SqlQuery<Guid>($"""
                SELECT encounter_id AS "Value" FROM completion.analysis_queue ORDER BY queued_at LIMIT {command.BatchSize} FOR UPDATE SKIP LOCKED
                """).ToListAsync(token);
            await db.AnalysisQueue.Where(q => batch.Contains(q.EncounterId)).ExecuteDeleteAsync(token);
            var more = await db.AnalysisQueue.AnyAsync(token);
            return Result<StaysAnalysed>.Success(new StaysAnalysed(batch.Count, more));
        }, ct);
    }
}

/// <summary>The job the clinical-record writer queues (<see cref="StaysToAnalyse"/>): analyses batches until the queue is empty.</summary>
[JobKind(StaysToAnalyse.JobKind)]
public sealed class AnalyseStaysJob(AnalyseStaysHandler analyse) : IJobWork
{
    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var total = 0;
        while (true)
        {
            var result = await analyse.HandleAsync(new AnalyseStaysCommand(), ct);
            if (result.Error is { } error)
            {
                job.FailureMessage = error.Message;
                return JobOutcome.Failed;
            }

            total += result.Value!.Stays;
            job.Report(total, null, $"{total} stays analysed");
            if (!result.Value.MoreQueued || result.Value.Stays == 0)
            {
                job.Result = new { stays = total };
                return JobOutcome.Succeeded;
            }
        }
    }
}
