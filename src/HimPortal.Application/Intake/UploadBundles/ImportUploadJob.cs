using HimPortal.Application.Intake.ImportBundles;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Intake.UploadBundles;

/// <summary>
/// Imports an upload's files (as the clerk who uploaded them), reporting each file's outcome as it is known; the job's
/// result is the import's summary, file by file. Once every file has been tried, the upload's bytes are purged (the
/// record keeps each resource's JSON, and the receipt keeps name, size and SHA-256).
/// </summary>
[JobKind(UploadBundlesHandler.JobKind)]
public sealed class ImportUploadJob(HimDbContext db, ImportBundlesHandler import, TimeProvider clock) : IJobWork
{
    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var uploadId = job.Payload<ImportUploadPayload>().UploadId;
        var files = await db.UploadedFiles.AsNoTracking().Where(f => f.UploadId == uploadId).OrderBy(f => f.Ordinal)
            .Select(f => new { f.Name, f.Length, f.Content, f.PurgedAt }).ToListAsync(ct);
        if (files.Count == 0 || files.Any(f => f.PurgedAt is not null))
        {
            job.FailureMessage = "The uploaded files are no longer kept: upload them again.";
            return JobOutcome.Failed;
        }

        // A file kept without its bytes was over the size limit: the import refuses it by its length, before reading it.
        var bundles = files.Select(f => f.Content is { } bytes
            ? BundleFile.FromBytes(f.Name, bytes)
            : new BundleFile(f.Name, f.Length, () => throw new InvalidOperationException("An oversized upload is never read."))).ToList();
        var result = await ImportFolder.ImportFolderJob.ImportWithProgressAsync(import, job, bundles, $"upload:{uploadId:D}", ct);
        if (result.Error is { } refused)
        {
            job.FailureMessage = refused.Message;
            return JobOutcome.Failed;
        }

        var now = clock.GetUtcNow();
        await db.UploadedFiles.Where(f => f.UploadId == uploadId)
            .ExecuteUpdateAsync(set => set.SetProperty(f => f.Content, (byte[]?)null).SetProperty(f => f.PurgedAt, now), ct);
        return JobOutcome.Succeeded;
    }
}
