using System.Text.Json;
using HimPortal.Application.Access;
using HimPortal.Application.Audit.Checkpoints;
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

/// <param name="Problem">Why it does not verify (its signature, or the chain no longer agrees with it); null when it does.</param>
public sealed record CheckpointItem(long Number, string File, DateTimeOffset? TakenAt, bool Verifies, string? Problem);

/// <param name="CheckpointsConfigured">Whether signed checkpoints are written (Audit:Checkpoints); without them nothing outside the database anchors the chain.</param>
public sealed record IntegrityOverview(
    IReadOnlyList<VerificationItem> Verifications,
    IReadOnlyList<LaneHead> LaneHeads,
    IReadOnlyList<CheckpointItem>? Checkpoints = null,
    bool CheckpointsConfigured = false);

/// <summary>
/// The last verifications with their results, the current head of each lane, and the last signed checkpoints, each
/// checked now: its signature, and its heads against the chain (docs/adr/0020).
/// </summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class ListVerificationsHandler(PermissionCheck permissions, HimDbContext db, AuditCheckpointStore checkpoints) : Handler<ListVerificationsQuery, Result<IntegrityOverview>>(permissions)
{
    private const int CheckpointsShown = 10;

    protected override async Task<Result<IntegrityOverview>> ExecuteAsync(ListVerificationsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);

        var rows = await db.ChainVerifications.AsNoTracking().OrderByDescending(v => v.RequestedAt).Take(20).ToListAsync(ct);
        var heads = await db.AuditLaneHeads.AsNoTracking().OrderBy(h => h.Lane).ToListAsync(ct);
        var shown = new List<CheckpointItem>();
        if (checkpoints.IsConfigured)
        {
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
                foreach (var stored in checkpoints.Read(CheckpointsShown).Reverse())
                {
                    var problem = stored.Checkpoint is { } c && stored.Verified
                        ? await WriteAuditCheckpointHandler.ProblemWithAsync(connection, c, ct)
                        : stored.Problem;
                    shown.Add(new CheckpointItem(stored.Number, Path.GetFileName(stored.File), stored.Checkpoint?.TakenAt, problem is null, problem));
                }
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }

        return Result<IntegrityOverview>.Success(new IntegrityOverview(
            rows.Select(v => new VerificationItem(v.Id, v.RequestedAt, v.RequestedByName, v.RangeFrom, v.RangeTo, v.Status, v.StartedAt, v.FinishedAt,
                v.RowsChecked, v.LanesSeen, v.Breaks is null ? [] : JsonSerializer.Deserialize<List<AuditChainBreak>>(v.Breaks) ?? [], v.Error)).ToList(),
            heads.Select(h => new LaneHead(h.Lane, h.LaneSeq, Convert.ToHexStringLower(h.Hash), h.OccurredAt)).ToList(),
            shown, checkpoints.IsConfigured));
    }
}
