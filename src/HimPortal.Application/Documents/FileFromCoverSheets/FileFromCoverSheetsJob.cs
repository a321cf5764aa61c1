using HimPortal.Application.Jobs;

namespace HimPortal.Application.Documents.FileFromCoverSheets;

/// <summary>The seam with the render step: "a job of kind documents.cover-sheets with payload {fileId}", queued once a file's pages exist.</summary>
public sealed record FileFromCoverSheetsPayload(Guid FileId) : IJobPayload;

/// <summary>
/// Splits and files a received file from its cover sheets (<see cref="FileFromCoverSheetsHandler"/>) once the render
/// step has made its pages and first document. Queue it with <see cref="EnqueueAsync"/> in the render step's transaction.
/// </summary>
[JobKind(Kind)]
public sealed class FileFromCoverSheetsJob(FileFromCoverSheetsHandler handler) : IJobWork
{
    public const string Kind = "documents.cover-sheets";

    /// <summary>Queues the job for a file whose pages are rendered; at most one queued or running per file.</summary>
    public static Task<Guid> EnqueueAsync(JobQueue jobs, Guid fileId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        return jobs.EnqueueAsync(Kind, new FileFromCoverSheetsPayload(fileId), new JobRequest(DedupeKey: $"{Kind}:{fileId:N}"), ct);
    }

    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var fileId = job.Payload<FileFromCoverSheetsPayload>().FileId;
        var result = await handler.HandleAsync(new FileFromCoverSheetsCommand(fileId), ct);
        if (result.Error is { } error)
        {
            job.FailureMessage = error.Message;
            return JobOutcome.Failed;
        }

        var summary = result.Value!;
        job.Result = summary;
        job.Report(summary.Parts.Count, summary.Parts.Count, summary.Changed
            ? $"{summary.CoverSheets} cover sheet(s): {summary.Filed} part(s) filed, {summary.Queued} to the queue"
            : "nothing to do: no cover sheet, or the file was already split");
        return JobOutcome.Succeeded;
    }
}
