using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.RenderPages;

/// <summary>The received file to split into pages (its id only).</summary>
public sealed record RenderFilePayload(Guid FileId) : IJobPayload;

/// <summary>
/// documents.render: splits one received file into pages through <see cref="RenderFileHandler"/>, queued by the capture
/// in the same transaction as the receipt, and by the sweep for any file left queued. A file the worker cannot render
/// is parked (the job succeeds: the file's outcome is final); a failure of the server (the database, the worker not
/// found) throws, and the job is retried.
/// </summary>
[JobKind(Kind)]
public sealed class RenderFileJob(RenderFileHandler render) : IJobWork
{
    public const string Kind = "documents.render";

    public static string DedupeKey(Guid fileId) => $"{Kind}:{fileId:D}";

    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var fileId = job.Payload<RenderFilePayload>().FileId;
        job.Report(0, 1, "rendering");
        var result = await render.HandleAsync(new RenderFileCommand(fileId), ct);
        if (result.Error is { } error)
        {
            job.FailureMessage = error.Message;
            return JobOutcome.Failed;
        }

        var outcome = result.Value!;
        job.Result = outcome;
        job.Report(1, 1, outcome.AlreadyDone ? $"already {outcome.Status.ToString().ToLowerInvariant()}"
            : outcome.Problem is null ? $"{outcome.Pages} page(s) split, {outcome.PendingOcr} for OCR" : "parked as unreadable");
        return JobOutcome.Succeeded;
    }
}

/// <summary>No payload: the sweep looks at every queued file.</summary>
public sealed record RenderSweepPayload : IJobPayload;

/// <summary>
/// documents.render-sweep (schedule documents-render): queues a documents.render job for every file still queued whose
/// job is not queued or running (a job that failed for good, a capture from before the render worker existed). The
/// dedupe key keeps one job per file.
/// </summary>
[JobKind(Kind)]
public sealed class RenderSweepJob(HimDbContext db, JobQueue jobs) : IJobWork
{
    public const string Kind = "documents.render-sweep";

    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var queued = await db.ReceivedFiles.AsNoTracking().Where(f => f.Status == ReceivedFileStatus.Queued)
            .OrderBy(f => f.ReceivedAt).Select(f => f.Id).ToListAsync(ct);
        foreach (var id in queued)
        {
            await jobs.EnqueueAsync(RenderFileJob.Kind, new RenderFilePayload(id), new JobRequest(DedupeKey: RenderFileJob.DedupeKey(id)), ct);
        }

        job.Report(queued.Count, queued.Count, $"{queued.Count} queued file(s) sent to rendering");
        return JobOutcome.Succeeded;
    }
}
