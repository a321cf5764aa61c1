using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Compliance.Integrity;

/// <summary>The last line of an export names its last row's id and hash; this checks them against the log.</summary>
public sealed record CheckExportedRowQuery(string? RowId, string? Hash);

public sealed record ExportedRowCheck(bool Found, bool HashMatches, bool RowIntact, DateTimeOffset? OccurredAt, short? Lane, long? Seq, string Message);

/// <summary>
/// Checks an export's closing line: the row must still be in the log with that very hash, and its content must still
/// produce that hash. The export then shows the log as it was; a full or range verification proves the rest of the chain.
/// </summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class CheckExportedRowHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit) : Handler<CheckExportedRowQuery, Result<ExportedRowCheck>>(permissions)
{
    protected override async Task<Result<ExportedRowCheck>> ExecuteAsync(CheckExportedRowQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);

        if (!Guid.TryParse(query.RowId?.Trim(), out var id))
        {
            return Error.Invalid("Paste the row id from the export's last line (a GUID such as 0199…-…).", "RowId");
        }

        var hashText = query.Hash?.Trim().ToLowerInvariant() ?? "";
        if (hashText.Length != 64 || !hashText.All(Uri.IsHexDigit))
        {
            return Error.Invalid("Paste the hash from the export's last line: 64 hexadecimal characters.", "Hash");
        }

        var row = await db.AccessEvents.AsNoTracking().Where(e => e.Id == id).FirstOrDefaultAsync(ct);
        ExportedRowCheck check;
        if (row is null)
        {
            check = new ExportedRowCheck(false, false, false, null, null, null,
                "No row with this id is in the access log (it may belong to an archived month, or it was removed).");
        }
        else
        {
            var matches = Convert.ToHexStringLower(row.Hash) == hashText;
            var intact = AuditChain.ComputeHash(row).AsSpan().SequenceEqual(row.Hash);
            var message = (matches, intact) switch
            {
                (true, true) => "The row is in the log with this hash, and its content still produces it: the export matches the log.",
                (false, _) => "The row is in the log, but with a different hash: the export and the log disagree.",
                _ => "The row is in the log with this hash, but its content no longer produces it: the row was altered.",
            };
            check = new ExportedRowCheck(true, matches, intact, row.OccurredAt, row.Lane, row.LaneSeq, message);
        }

        await audit.RecordAloneAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "AuditChain", id.ToString("D"),
            Details: $"export row check; found={check.Found}; hash matches={check.HashMatches}; intact={check.RowIntact}"), ct);
        return Result<ExportedRowCheck>.Success(check);
    }
}
