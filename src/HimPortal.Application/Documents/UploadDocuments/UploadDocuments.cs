using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Documents.UploadDocuments;

/// <summary>One uploaded file: its name as the browser gave it, its length, and its content on demand.</summary>
public sealed record UploadedDocument(string Name, long Length, Func<Stream> Open);

public sealed record UploadDocumentsCommand(IReadOnlyList<UploadedDocument> Files);

public sealed record CaptureUploadPayload(Guid UploadId) : IJobPayload;

/// <summary>
/// A clerk's upload of scanned documents (several files at once): the files are staged in the document store and a
/// capture job queued, in one transaction, and the page returns at once (conventions rule 16: long work runs as jobs).
/// A file over Documents:MaxFileBytes is staged without its bytes and the capture refuses it, naming it.
/// </summary>
[RequiresPermission(Permissions.IntakeImport)]
public sealed class UploadDocumentsHandler(
    PermissionCheck permissions,
    HimDbContext db,
    IDocumentStore store,
    JobQueue jobs,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IOptions<DocumentsOptions> options,
    TimeProvider clock) : Handler<UploadDocumentsCommand, Result<Guid>>(permissions)
{
    public const string JobKind = "documents.capture-upload";

    protected override async Task<Result<Guid>> ExecuteAsync(UploadDocumentsCommand command, CancellationToken ct)
    {
        if (command.Files.Count == 0)
        {
            return Error.Invalid("Choose one or more PDF or TIFF files to upload.", "Files");
        }

        var now = clock.GetUtcNow();
        var uploadId = Guid.CreateVersion7(now);
        var limit = options.Value.MaxFileBytes;
        return await db.InTransactionAsync<Result<Guid>>(async token =>
        {
            for (var i = 0; i < command.Files.Count; i++)
            {
                var file = command.Files[i];
                var name = Path.GetFileName(file.Name);
                var pending = new PendingUpload
                {
                    Id = Guid.CreateVersion7(now),
                    UploadId = uploadId,
                    Ordinal = i,
                    Name = name.Length > 260 ? name[..260] : name,
                    Length = file.Length,
                    UploadedByUserId = actors.Current.UserId,
                    UploadedAt = now,
                };
                db.PendingUploads.Add(pending);
                if (file.Length <= limit)
                {
                    await using var content = file.Open();
                    await store.PutAsync(pending.Id, content, token);
                }
            }

            await db.SaveChangesAsync(token);
            var jobId = await jobs.EnqueueAsync(JobKind, new CaptureUploadPayload(uploadId), new JobRequest(MaxAttempts: 3), token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "DocumentUpload", uploadId.ToString("D"),
                Details: $"{command.Files.Count} file(s), {command.Files.Sum(f => f.Length)} bytes; job={jobId:D}"), token);
            return Result<Guid>.Success(jobId);
        }, ct);
    }
}
