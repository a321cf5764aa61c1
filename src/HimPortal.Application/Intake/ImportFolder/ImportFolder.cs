using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Intake.ImportBundles;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Intake.ImportFolder;

/// <param name="Folder">The name of a folder in Intake:ServerFolders (never a path).</param>
public sealed record ImportFolderCommand(string? Folder);

public sealed record ImportFolderPayload([property: JobCode] string Folder) : IJobPayload;

/// <summary>Queues the import of a configured server-side folder (a feed's drop folder, a migration's export).</summary>
[RequiresPermission(Permissions.IntakeImport)]
public sealed class ImportFolderHandler(PermissionCheck permissions, HimDbContext db, JobQueue jobs, AccessAudit audit, IOptions<IntakeOptions> options)
    : Handler<ImportFolderCommand, Result<Guid>>(permissions)
{
    public const string JobKind = "intake.import-folder";

    protected override Task<Result<Guid>> ExecuteAsync(ImportFolderCommand command, CancellationToken ct)
    {
        if (command.Folder is not { } folder || !options.Value.ServerFolders.ContainsKey(folder))
        {
            return Task.FromResult<Result<Guid>>(Error.Invalid("Choose one of the server folders set up for import (Intake:ServerFolders).", "Folder"));
        }

        return db.InTransactionAsync<Result<Guid>>(async token =>
        {
            var jobId = await jobs.EnqueueAsync(JobKind, new ImportFolderPayload(folder), new JobRequest(MaxAttempts: 3), token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "ServerFolder", folder, Details: $"job={jobId:D}"), token);
            return Result<Guid>.Success(jobId);
        }, ct);
    }
}

/// <summary>Imports every *.json and *.json.gz bundle of a configured server folder, as the clerk who asked.</summary>
[JobKind(ImportFolderHandler.JobKind)]
public sealed class ImportFolderJob(ImportBundlesHandler import, IOptions<IntakeOptions> options) : IJobWork
{
    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var name = job.Payload<ImportFolderPayload>().Folder;
        if (!options.Value.ServerFolders.TryGetValue(name, out var path) || !Directory.Exists(path))
        {
            job.FailureMessage = $"The server folder '{name}' is not set up or does not exist.";
            return JobOutcome.Failed;
        }

        var files = Directory.EnumerateFiles(path, "*.json").Concat(Directory.EnumerateFiles(path, "*.json.gz"))
            .Order(StringComparer.Ordinal).Select(BundleFile.FromPath).ToList();
        var result = await ImportWithProgressAsync(import, job, files, "folder:" + name, ct);
        if (result.Error is { } refused)
        {
            job.FailureMessage = refused.Message;
            return JobOutcome.Failed;
        }

        return JobOutcome.Succeeded;
    }

    /// <summary>Runs the import, reporting files done as the job's progress, and keeps the summary as the job's result.</summary>
    internal static async Task<Result<ImportSummary>> ImportWithProgressAsync(
        ImportBundlesHandler import, JobContext job, IReadOnlyList<BundleFile> files, string feed, CancellationToken ct)
    {
        var done = 0;
        job.Report(0, files.Count, $"0 of {files.Count} file(s) imported");
        var progress = new Reporter(outcome =>
        {
            var n = Interlocked.Increment(ref done);
            job.Report(n, files.Count, $"{n} of {files.Count} file(s) done");
        });
        var result = await import.HandleAsync(new ImportBundlesCommand(files, progress, feed), ct);
        if (result.Value is { } summary)
        {
            job.Report(files.Count, files.Count, $"{summary.Files.Count(f => f.Ok)} of {files.Count} file(s) imported");
            job.Result = summary;
        }

        return result;
    }

    /// <summary>Told in the import's own thread (not posted to a synchronization context, as Progress would be).</summary>
    private sealed class Reporter(Action<FileOutcome> report) : IProgress<FileOutcome>
    {
        public void Report(FileOutcome value) => report(value);
    }
}
