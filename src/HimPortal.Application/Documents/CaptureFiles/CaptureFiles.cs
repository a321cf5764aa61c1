using System.Security.Cryptography;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Documents.RenderPages;
using HimPortal.Application.Common.Store;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HimPortal.Application.Documents.CaptureFiles;

/// <summary>
/// A file to capture, on disk: its path, and the name it arrived under (an upload's name, not the temporary file's).
/// <paramref name="OversizeLength"/>: a file known to be over the limit and not kept (an upload), refused unread.
/// </summary>
public sealed record IncomingFile(string Path, string Name, long? OversizeLength = null);

/// <param name="Source">Where the files came from: an inbox's name, "upload" or "import".</param>
public sealed record CaptureFilesCommand(IReadOnlyList<IncomingFile> Files, string Source);

/// <summary>One file's outcome. <paramref name="Duplicate"/>: the same bytes were received before, under <paramref name="DocumentId"/>.</summary>
public sealed record CapturedFile(string Path, bool Ok, string? Error, Guid? DocumentId, int? Pages, bool Duplicate);

public sealed record CaptureSummary(IReadOnlyList<CapturedFile> Files)
{
    public bool AllOk => Files.All(f => f.Ok);
}

/// <summary>
/// Takes scanned and faxed files in (issue 15 item 1): each is kept whole and unchanged in the document store with its
/// SHA-256, source and received time, and queued for splitting; the same bytes again are recognised and not queued
/// twice. A bad file is refused (not a PDF or TIFF, empty, too large: the receipt only) or parked as unreadable (the
/// bytes kept for a person), with a message naming the file and the problem; each file stands alone, so one bad file
/// never loses the others.
/// </summary>
[RequiresPermission(Permissions.IntakeImport)]
public sealed class CaptureFilesHandler(
    PermissionCheck permissions,
    HimDbContext db,
    IDocumentStore store,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IOptions<DocumentsOptions> options,
    JobQueue jobs,
    TimeProvider clock) : Handler<CaptureFilesCommand, Result<CaptureSummary>>(permissions)
{
    protected override async Task<Result<CaptureSummary>> ExecuteAsync(CaptureFilesCommand command, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(command.Source) || command.Source.Length > 64)
        {
            return Error.Invalid("Name the source of the files (at most 64 characters).", "Source");
        }

        var outcomes = new List<CapturedFile>(command.Files.Count);
        foreach (var file in command.Files)
        {
            try
            {
                outcomes.Add(await CaptureAsync(file, command.Source, ct));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The file went away or cannot be read (an inbox emptied by hand, permissions): that file fails, the rest go on.
                outcomes.Add(new CapturedFile(file.Path, false, $"{Path.GetFileName(file.Name)}: cannot be read ({e.Message})", null, null, false));
            }
        }

        return Result<CaptureSummary>.Success(new CaptureSummary(outcomes));
    }

    private async Task<CapturedFile> CaptureAsync(IncomingFile file, string source, CancellationToken ct)
    {
        var name = Path.GetFileName(file.Name);
        name = name.Length > 260 ? name[..260] : name;
        var settings = options.Value;
        var length = file.OversizeLength ?? new FileInfo(file.Path).Length;

        if (length > settings.MaxFileBytes || file.OversizeLength is not null)
        {
            var problem = $"the file is {length} bytes, over the limit of {settings.MaxFileBytes} (Documents:MaxFileBytes)";
            var receipt = await KeepAsync(file, NewFile(name, source, length, null, Inspection.Refuse(problem)), ct);
            return Outcome(file, name, receipt, duplicate: false);
        }

        byte[] sha256;
        await using (var content = File.OpenRead(file.Path))
        {
            sha256 = await SHA256.HashDataAsync(content, ct);
        }

        if (await FindAsync(sha256, ct) is { } earlier)
        {
            return Outcome(file, name, earlier, duplicate: true);
        }

        var inspection = await FileInspector.InspectAsync(file.Path, length, settings, ct);
        try
        {
            var kept = await KeepAsync(file, NewFile(name, source, length, sha256, inspection), ct);
            return Outcome(file, name, kept, duplicate: false);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same bytes arrived by another path at the same moment (an inbox and an upload): the first one is kept.
            db.ChangeTracker.Clear();
            return Outcome(file, name, (await FindAsync(sha256, ct))!, duplicate: true);
        }
    }

    private ReceivedFile NewFile(string name, string source, long length, byte[]? sha256, Inspection inspection)
    {
        var now = clock.GetUtcNow();
        return new ReceivedFile
        {
            Id = Guid.CreateVersion7(now),
            Sha256 = sha256,
            Source = source,
            ReceivedAt = now,
            OriginalName = name,
            Length = length,
            MediaType = inspection.MediaType,
            PageCount = inspection.Pages,
            Status = inspection.Status,
            Problem = inspection.Problem,
            ReceivedByUserId = actors.Current.UserId,
            // A refused file's bytes are not kept: it is not a document (or not one we can hold); the receipt says why.
            Stored = inspection.Status != ReceivedFileStatus.Refused,
        };
    }

    private Task<ReceivedFile> KeepAsync(IncomingFile file, ReceivedFile received, CancellationToken ct) =>
        db.InTransactionAsync(async token =>
        {
            db.ReceivedFiles.Add(received);
            await db.SaveChangesAsync(token);
            if (received.Stored)
            {
                await using var content = File.OpenRead(file.Path);
                await store.PutAsync(received.Id, content, token);
            }

            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "ReceivedFile", received.Id.ToString("D"),
                Details: $"source={received.Source}; status={received.Status.ToString().ToLowerInvariant()}; bytes={received.Length}"), token);
            if (received.Status == ReceivedFileStatus.Queued)
            {
                // Split into pages in the background, by the render worker (ADR 0025); queued with the receipt, so neither is lost.
                await jobs.EnqueueAsync(RenderFileJob.Kind, new RenderFilePayload(received.Id),
                    new JobRequest(DedupeKey: RenderFileJob.DedupeKey(received.Id)), token);
            }
            db.ChangeTracker.Clear();
            return received;
        }, ct);

    private Task<ReceivedFile?> FindAsync(byte[] sha256, CancellationToken ct) =>
        db.ReceivedFiles.AsNoTracking().FirstOrDefaultAsync(f => f.Sha256 == sha256, ct);

    private static CapturedFile Outcome(IncomingFile file, string name, ReceivedFile received, bool duplicate) => received.Status switch
    {
        ReceivedFileStatus.Queued or ReceivedFileStatus.Split => new CapturedFile(file.Path, true, null, received.Id, received.PageCount, duplicate),
        ReceivedFileStatus.Unreadable => new CapturedFile(file.Path, false, $"{name}: parked as unreadable: {received.Problem}", received.Id, null, duplicate),
        _ => new CapturedFile(file.Path, false, $"{name}: refused: {received.Problem}", null, null, duplicate),
    };
}
