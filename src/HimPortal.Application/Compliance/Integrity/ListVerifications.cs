using System.Text.Json;
using HimPortal.Application.Access;
using HimPortal.Application.Audit.VerifyAuditChain;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Compliance.Integrity;

public sealed record ListVerificationsQuery;

public sealed record VerificationItem(
    Guid Id,
    DateTimeOffset RequestedAt,
    string? RequestedBy,
    DateTimeOffset? RangeFrom,
    DateTimeOffset? RangeTo,
    string Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    long RowsChecked,
    int LanesSeen,
    IReadOnlyList<AuditChainBreak> Breaks,
    string? Error);

public sealed record LaneHead(short Lane, long Seq, string Hash, DateTimeOffset? At);

public sealed record IntegrityOverview(IReadOnlyList<VerificationItem> Verifications, IReadOnlyList<LaneHead> LaneHeads);

/// <summary>The last verifications with their results, and the current head of each lane (to note down as an anchor).</summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class ListVerificationsHandler(PermissionCheck permissions, HimDbContext db) : Handler<ListVerificationsQuery, Result<IntegrityOverview>>(permissions)
{
    protected override async Task<Result<IntegrityOverview>> ExecuteAsync(ListVerificationsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);

        var rows = await db.ChainVerifications.AsNoTracking().OrderByDescending(v => v.RequestedAt).Take(20).ToListAsync(ct);
        var heads = await db.AuditLaneHeads.AsNoTracking().OrderBy(h => h.Lane).ToListAsync(ct);
        return Result<IntegrityOverview>.Success(new IntegrityOverview(
            rows.Select(v => new VerificationItem(v.Id, v.RequestedAt, v.RequestedByName, v.RangeFrom, v.RangeTo, v.Status, v.StartedAt, v.FinishedAt,
                v.RowsChecked, v.LanesSeen, v.Breaks is null ? [] : JsonSerializer.Deserialize<List<AuditChainBreak>>(v.Breaks) ?? [], v.Error)).ToList(),
            heads.Select(h => new LaneHead(h.Lane, h.LaneSeq, Convert.ToHexStringLower(h.Hash), h.OccurredAt)).ToList()));
    }
}
