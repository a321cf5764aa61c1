using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Delivery.GetDelivery;

public sealed record GetDeliveryQuery(Guid RequestId);

public sealed record PacketSummary(Guid Id, string Status, string Format, int? PageCount, long? Length, string? Sha256, DateTimeOffset? ReleasedAt);

public sealed record DownloadEventView(DateTimeOffset At, string? Address, string Outcome);

public sealed record DownloadLinkView(Guid Id, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, int MaxDownloads, int Downloads, DateTimeOffset? RevokedAt,
    string State, uint Version, IReadOnlyList<DownloadEventView> Events);

public sealed record DeliveryProofView(string Method, DateTimeOffset At, string Proof);

public sealed record DisclosureView(DateTimeOffset DisclosedAt, string Recipient, string Description, string LegalBasis, bool Accountable);

public sealed record DeliveryView(
    Guid RequestId,
    string Number,
    string Status,
    string RequesterTitle,
    string Recipient,
    IReadOnlyList<string> Address,
    string? Email,
    string Delivery,
    bool UnencryptedEmailWarned,
    PacketSummary? Packet,
    IReadOnlyList<string> Blockers,
    IReadOnlyList<DownloadLinkView> Links,
    IReadOnlyList<DeliveryProofView> Deliveries,
    IReadOnlyList<DisclosureView> Disclosures,
    uint Version)
{
    /// <summary>The packet may leave now: the request is ready or invoiced, the packet checked, the gate clear.</summary>
    public bool CanRelease => Status is RequestStatuses.Ready or RequestStatuses.Invoiced && Packet?.Status == PacketStatuses.Checked && Blockers.Count == 0;

    /// <summary>A released packet may be sent again (a new link to the same bytes).</summary>
    public bool CanResend => Status == RequestStatuses.Delivered && Packet?.Status == PacketStatuses.Released;
}

/// <summary>The delivery page: the packet, what blocks its release, the links with each use, the proof, the disclosure recorded.</summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class GetDeliveryHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, ReleaseGate gate, TimeProvider time)
    : Handler<GetDeliveryQuery, Result<DeliveryView>>(permissions)
{
    protected override async Task<Result<DeliveryView>> ExecuteAsync(GetDeliveryQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await db.InTransactionAsync<Result<DeliveryView>>(async token =>
        {
            var request = await db.ReleaseRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == query.RequestId, token);
            if (request is null)
            {
                return Error.NotFound("There is no such request.");
            }

            var packet = await PacketRelease.CurrentPacketAsync(db, request.Id, token);
            var blockers = RequestStatuses.Closed.Contains(request.Status) ? [] : await gate.BlockersAsync(request, token);
            var links = await db.DownloadLinks.AsNoTracking().Where(l => l.RequestId == request.Id).OrderByDescending(l => l.CreatedAt).ToListAsync(token);
            var linkIds = links.Select(l => l.Id).ToList();
            var events = await db.DownloadEvents.AsNoTracking().Where(e => linkIds.Contains(e.LinkId)).OrderBy(e => e.Id).ToListAsync(token);
            var now = time.GetUtcNow();
            var linkViews = links.Select(l => new DownloadLinkView(l.Id, l.CreatedAt, l.ExpiresAt, l.MaxDownloads, l.Downloads, l.RevokedAt, StateOf(l, now), l.Version,
                events.Where(e => e.LinkId == l.Id).Select(e => new DownloadEventView(e.At, e.Address, e.Outcome)).ToList())).ToList();
            var deliveries = await db.Deliveries.AsNoTracking().Where(d => d.RequestId == request.Id).OrderBy(d => d.At)
                .Select(d => new DeliveryProofView(d.Method, d.At, d.Proof)).ToListAsync(token);
            var disclosures = await db.Disclosures.AsNoTracking().Where(d => d.RequestId == request.Id).OrderBy(d => d.DisclosedAt)
                .Select(d => new DisclosureView(d.DisclosedAt, d.RecipientName, d.Description, d.LegalBasis, d.Accountable)).ToListAsync(token);
            await audit.RecordAsync(RoiAudit.Of(request, AuditAction.View, "delivery"), token);
            return Result<DeliveryView>.Success(new DeliveryView(request.Id, request.Display, request.Status, RequesterRules.For(request.RequesterType).Title,
                RoiAudit.Recipient(request), RoiAudit.AddressLines(request.RequesterAddress), request.RequesterEmail, request.Delivery,
                request.UnencryptedEmailWarnedAt is not null,
                packet is null ? null : new PacketSummary(packet.Id, packet.Status, packet.Format, packet.PageCount, packet.Length,
                    packet.Sha256 is { } hash ? Convert.ToHexStringLower(hash) : null, packet.ReleasedAt),
                blockers, linkViews, deliveries, disclosures, request.Version));
        }, ct);
    }

    /// <summary>What a link can still do: active, expired, exhausted or revoked (the first that applies, in the download's order of checks).</summary>
    public static string StateOf(DownloadLink link, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(link);
        return link.RevokedAt is not null ? DownloadOutcomes.Revoked
            : link.ExpiresAt <= now ? DownloadOutcomes.Expired
            : link.Downloads >= link.MaxDownloads ? DownloadOutcomes.Exhausted
            : "active";
    }
}
