using System.Security.Cryptography;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Intake;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Intake.UploadBundles;

/// <summary>One uploaded file: its name as the browser gave it, its announced length, and its content on demand.</summary>
public sealed record UploadedBundle(string Name, long Length, Func<Stream> Open);

public sealed record UploadBundlesCommand(IReadOnlyList<UploadedBundle> Files);

public sealed record ImportUploadPayload(Guid UploadId) : IJobPayload;

/// <summary>
/// A clerk's upload: the files are kept (intake.uploaded_files) and an import job queued, in one transaction, and the
/// page returns at once: the import runs on the job queue, never inside the web request, and shows its progress and
/// each file's result on the job's page. A file over Intake:MaxBundleBytes is kept as a receipt without its bytes, and
/// the import reports it refused.
/// </summary>
[RequiresPermission(Permissions.IntakeImport)]
public sealed class UploadBundlesHandler(
    PermissionCheck permissions,
    HimDbContext db,
    JobQueue jobs,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IOptions<IntakeOptions> options,
    TimeProvider clock) : Handler<UploadBundlesCommand, Result<Guid>>(permissions)
{
    public const string JobKind = "intake.import-upload";

    protected override async Task<Result<Guid>> ExecuteAsync(UploadBundlesCommand command, CancellationToken ct)
    {
        if (command.Files.Count == 0)
        {
            return Error.Invalid("Choose one or more FHIR bundle files to import.", "Files");
        }

        var now = clock.GetUtcNow();
        var uploadId = Guid.CreateVersion7(now);
        var limit = options.Value.MaxBundleBytes;
        var files = new List<UploadedFile>(command.Files.Count);
        for (var i = 0; i < command.Files.Count; i++)
        {
            var file = command.Files[i];
            byte[]? content = null;
            if (file.Length <= limit)
            {
                await using var source = file.Open();
                using var buffer = new MemoryStream((int)Math.Max(0, file.Length));
                await source.CopyToAsync(buffer, ct);
                content = buffer.ToArray();
            }

            files.Add(new UploadedFile
            {
                Id = Guid.CreateVersion7(now),
                UploadId = uploadId,
                Ordinal = i,
                Name = file.Name.Length > 260 ? file.Name[..260] : file.Name,
                Length = content?.LongLength ?? file.Length,
                Sha256 = content is null ? [] : SHA256.HashData(content),
                Content = content,
                UploadedByUserId = actors.Current.UserId,
                ReceivedAt = now,
            });
        }

        return await db.InTransactionAsync<Result<Guid>>(async token =>
        {
            db.UploadedFiles.AddRange(files);
            await db.SaveChangesAsync(token);
            var jobId = await jobs.EnqueueAsync(JobKind, new ImportUploadPayload(uploadId), new JobRequest(MaxAttempts: 3), token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "Upload", uploadId.ToString("D"),
                Details: $"{files.Count} file(s), {files.Sum(f => f.Length)} bytes; job={jobId:D}"), token);
            return Result<Guid>.Success(jobId);
        }, ct);
    }
}
