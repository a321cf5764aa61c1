using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Packets.GetPacket;

public sealed record GetPacketQuery(Guid RequestId);

public sealed record PacketItemView(long Id, int Ordinal, string ResourceType, string ResourceKey, string Title, DateOnly? Date, bool Included, string? ExclusionReason,
    IReadOnlyList<string> Labels, bool Decided);

public sealed record RedactionView(long Id, long ItemId, int Page, double Left, double Top, double Width, double Height, string Reason);

public sealed record PacketView(Guid Id, string Status, string Format, int? PageCount, long? Length, string? Sha256, bool ContainsSensitive,
    DateTimeOffset QueuedAt, Guid? QueuedByUserId, DateTimeOffset? BuiltAt, DateTimeOffset? CheckedAt, Guid? CheckedByUserId, DateTimeOffset? ReleasedAt,
    string? Problem, Guid? JobId, uint Version);

public sealed record PacketPage(Guid RequestId, string Number, string Status, uint RequestVersion, string RequesterName, string RequesterTitle,
    bool MinimumNecessary, IReadOnlyList<PacketItemView> Items, IReadOnlyList<RedactionView> Redactions, PacketView? Current,
    IReadOnlyList<PacketView> Earlier, string? KeptFromRequester = null);

/// <summary>The packet page of a request: its items with their decisions and reasons, redactions, the current packet and earlier ones.</summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class GetPacketHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit)
    : Handler<GetPacketQuery, Result<PacketPage>>(permissions)
{
    protected override async Task<Result<PacketPage>> ExecuteAsync(GetPacketQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await db.InTransactionAsync<Result<PacketPage>>(async token =>
        {
            var request = await db.ReleaseRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == query.RequestId, token);
            if (request is null)
            {
                return PacketErrors.NotFound;
            }

            var items = await db.PacketItems.AsNoTracking().Where(i => i.RequestId == request.Id).OrderBy(i => i.Ordinal)
                .Select(i => new PacketItemView(i.Id, i.Ordinal, i.ResourceType, i.ResourceKey, i.Title, i.ItemDate, i.Included, i.ExclusionReason, i.LabelCodes,
                    i.DecidedByUserId != null))
                .ToListAsync(token);
            var redactions = await db.Redactions.AsNoTracking().Where(r => r.RequestId == request.Id && r.RemovedAt == null).OrderBy(r => r.Id)
                .Select(r => new RedactionView(r.Id, r.PacketItemId, r.Page, r.X * 100, r.Y * 100, r.Width * 100, r.Height * 100, r.Reason))
                .ToListAsync(token);
            var packets = (await db.Packets.AsNoTracking().Where(p => p.RequestId == request.Id).OrderByDescending(p => p.QueuedAt).ToListAsync(token))
                .Select(p => new PacketView(p.Id, p.Status, p.Format, p.PageCount, p.Length, p.Sha256 is null ? null : Convert.ToHexStringLower(p.Sha256),
                    p.ContainsSensitive, p.QueuedAt, p.QueuedByUserId, p.BuiltAt, p.CheckedAt, p.CheckedByUserId, p.ReleasedAt, p.Problem, p.JobId, p.Version))
                .ToList();
            var current = packets.FirstOrDefault(p => p.Status != PacketStatuses.Discarded);
            await audit.RecordAsync(PacketErrors.Audit(AuditAction.View, request, "packet page viewed"), token);
            var rule = RequesterRules.For(request.RequesterType);
            return Result<PacketPage>.Success(new PacketPage(request.Id, request.Display, request.Status, request.Version, request.RequesterName, rule.Title,
                rule.MinimumNecessary, items, redactions, current, [.. packets.Where(p => p != current)],
                request.HiddenLabels.Length == 0 ? null
                    : "Asked by a personal representative whose grant hides care the minor consented to alone: items of that care ("
                      + string.Join(", ", request.HiddenLabels) + ") are left out of this copy and cannot be included (45 CFR 164.502(g)(3))."));
        }, ct);
    }
}
