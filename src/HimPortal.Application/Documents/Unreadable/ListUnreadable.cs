using System.Globalization;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.Unreadable;

/// <param name="After">The keyset cursor of the last row seen ("ticks.id", from <see cref="UnreadablePage.Next"/>), or null for the first page.</param>
public sealed record ListUnreadableQuery(string? After = null, int PageSize = 50);

public sealed record UnreadableFile(Guid Id, string Name, string Source, DateTimeOffset ReceivedAt, string? Problem, long Length, string? MediaType);

/// <param name="Next">The cursor of the next page, or null at the end.</param>
public sealed record UnreadablePage(IReadOnlyList<UnreadableFile> Files, string? Next);

/// <summary>
/// The unreadable list (issue 15 item 1): files parked because they cannot be read (encrypted, damaged, hostile, or the
/// render worker failed on them), oldest first, keyset-paged on (received_at, id) over the (status, received_at) index.
/// A person looks at each; dispositioning them (asking the sender again, closing) is not built yet.
/// </summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class ListUnreadableHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit)
    : Handler<ListUnreadableQuery, Result<UnreadablePage>>(permissions)
{
    protected override Task<Result<UnreadablePage>> ExecuteAsync(ListUnreadableQuery query, CancellationToken ct) =>
        db.InTransactionAsync(async token =>
        {
            var size = Math.Clamp(query.PageSize, 1, 200);
            var files = db.ReceivedFiles.AsNoTracking().Where(f => f.Status == ReceivedFileStatus.Unreadable);
            if (query.After is not null)
            {
                if (!TryCursor(query.After, out var at, out var id))
                {
                    return Error.Invalid("The page cursor is not valid.", "After");
                }

                files = files.Where(f => f.ReceivedAt > at || (f.ReceivedAt == at && f.Id.CompareTo(id) > 0));
            }

            var rows = await files.OrderBy(f => f.ReceivedAt).ThenBy(f => f.Id).Take(size + 1)
                .Select(f => new UnreadableFile(f.Id, f.OriginalName, f.Source, f.ReceivedAt, f.Problem, f.Length, f.MediaType))
                .ToListAsync(token);
            var more = rows.Count > size;
            rows = rows.Take(size).ToList();
            // File names may name a patient: the list's view is audited (no patient: the files are not filed).
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "UnreadableFiles", null,
                Details: $"rows={rows.Count}"), token);
            var next = more ? Cursor(rows[^1]) : null;
            return Result<UnreadablePage>.Success(new UnreadablePage(rows, next));
        }, ct);

    private static string Cursor(UnreadableFile last) =>
        string.Create(CultureInfo.InvariantCulture, $"{last.ReceivedAt.UtcTicks}.{last.Id:N}");

    private static bool TryCursor(string cursor, out DateTimeOffset at, out Guid id)
    {
        at = default;
        id = default;
        var parts = cursor.Split('.');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks || !Guid.TryParseExact(parts[1], "N", out id))
        {
            return false;
        }

        at = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }
}

public sealed record DownloadReceivedFileQuery(Guid FileId);

public sealed record ReceivedFileBytes(byte[] Content, string Name, string MediaType);

/// <summary>
/// The original bytes of a parked file, for the person who looks at it (audited as an export in the same transaction).
/// Only unreadable files: a file split into pages is read through its pages and the chart.
/// </summary>
[RequiresPermission(Permissions.IntakeIndex)]
public sealed class DownloadReceivedFileHandler(PermissionCheck permissions, HimDbContext db, IDocumentStore store, AccessAudit audit)
    : Handler<DownloadReceivedFileQuery, Result<ReceivedFileBytes>>(permissions)
{
    protected override Task<Result<ReceivedFileBytes>> ExecuteAsync(DownloadReceivedFileQuery query, CancellationToken ct) =>
        db.InTransactionAsync(async token =>
        {
            var file = await db.ReceivedFiles.AsNoTracking()
                .FirstOrDefaultAsync(f => f.Id == query.FileId && f.Status == ReceivedFileStatus.Unreadable && f.Stored, token);
            if (file is null)
            {
                return Error.NotFound();
            }

            // Read whole before the audit row: the store's stream holds the connection's reader until disposed.
            byte[] content;
            await using (var stream = await store.OpenReadAsync(file.Id, token))
            {
                if (stream is null)
                {
                    return Error.NotFound();
                }

                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy, token);
                content = copy.ToArray();
            }

            await audit.RecordAsync(new AuditRecord(AuditAction.Export, AuditOutcome.Success, "ReceivedFile", file.Id.ToString("D"),
                Details: $"unreadable original; bytes={file.Length}"), token);
            return Result<ReceivedFileBytes>.Success(new ReceivedFileBytes(content, file.OriginalName,
                file.MediaType ?? "application/octet-stream"));
        }, ct);
}
