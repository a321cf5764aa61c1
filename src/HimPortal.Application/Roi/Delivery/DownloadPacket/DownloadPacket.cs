using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Application.Common.Throttles;
using HimPortal.Application.Roi.Fees.GetInvoicePdf;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Delivery.DownloadPacket;

public sealed record DownloadPacketCommand(string Token);

/// <summary>Served (with the file), or refused with the plain reason shown to the recipient.</summary>
public sealed record DownloadOutcome(RoiFile? File, string? Refusal);

/// <summary>
/// The recipient's download through a secure link, anonymous (issue 17 item 6): the token's hash finds the link; a revoked,
/// expired or used-up link is refused; otherwise the count goes up by one in a single conditional UPDATE (two downloads at
/// once cannot both take the last one) and the packet's exact bytes are served. Every use, served or refused, is a
/// download event (append-only) with the time and the client's address, a line in the request's timeline, and an audit
/// row (action disclose, the anonymous actor with the address). Attempts are throttled per client address, like sign-in,
/// so tokens cannot be guessed at speed (they are 256 random bits anyway).
/// </summary>
[RequiresPermission(Permissions.Anyone)]
public sealed class DownloadPacketHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IDocumentStore store,
    RequestTimeline timeline,
    Throttle throttle,
    TimeProvider time) : Handler<DownloadPacketCommand, Result<DownloadOutcome>>(permissions)
{
    public const int AttemptsPerClient = 30;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public const string AnonymousName = "anonymous (download link)";

    public static readonly Error NotValid = Error.NotFound("This link is not valid.");

    protected override async Task<Result<DownloadOutcome>> ExecuteAsync(DownloadPacketCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var actor = actors.Current with { UserName = AnonymousName };
        var attempt = await throttle.TryAcquireAsync($"release-download:client:{actor.ClientIp ?? "unknown"}", AttemptsPerClient, Window, ct);
        if (!attempt.Allowed)
        {
            return new Error(ErrorKind.Conflict, "too-many-requests", "Too many attempts from your address. Try again later.");
        }

        if (!DownloadTokens.LooksValid(command.Token))
        {
            return NotValid;
        }

        var hash = DownloadTokens.Hash(command.Token);
        return await db.InTransactionAsync<Result<DownloadOutcome>>(async token =>
        {
            var link = await db.DownloadLinks.AsNoTracking().SingleOrDefaultAsync(l => l.TokenHash == hash, token);
            if (link is null)
            {
                await audit.RecordAsync(new AuditRecord(AuditAction.Disclose, AuditOutcome.Denied, "DownloadLink", null, null, "release of information",
                    "unknown download token", actor), token);
                return NotValid;
            }

            var request = await db.ReleaseRequests.AsNoTracking().SingleAsync(r => r.Id == link.RequestId, token);
            var packet = await db.Packets.AsNoTracking().SingleAsync(p => p.Id == link.PacketId, token);
            var now = time.GetUtcNow();
            var refused = GetDelivery.GetDeliveryHandler.StateOf(link, now) switch
            {
                DownloadOutcomes.Revoked => DownloadOutcomes.Revoked,
                DownloadOutcomes.Expired => DownloadOutcomes.Expired,
                DownloadOutcomes.Exhausted => DownloadOutcomes.Exhausted,
                _ => packet.Status != PacketStatuses.Released ? DownloadOutcomes.Revoked : null,
            };
            if (refused is null)
            {
                var counted = await db.DownloadLinks
                    .Where(l => l.Id == link.Id && l.RevokedAt == null && l.ExpiresAt > now && l.Downloads < l.MaxDownloads)
                    .ExecuteUpdateAsync(s => s.SetProperty(l => l.Downloads, l => l.Downloads + 1), token);
                refused = counted == 1 ? null : DownloadOutcomes.Exhausted;
            }

            db.DownloadEvents.Add(new DownloadEvent { LinkId = link.Id, At = now, Address = Trim(actor.ClientIp), Outcome = refused ?? DownloadOutcomes.Served });
            if (refused is not null)
            {
                timeline.Append(request.Id, "download", $"Download refused ({refused}) from {actor.ClientIp ?? "an unknown address"}");
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(RoiAudit.Of(request, AuditAction.Disclose, $"download link {link.Id:D} refused: {refused}", AuditOutcome.Denied, actor), token);
                return Result<DownloadOutcome>.Success(new DownloadOutcome(null, Message(refused)));
            }

            var file = await PacketFiles.ReadAsync(store, request, packet, token);
            timeline.Append(request.Id, "download", $"Downloaded ({link.Downloads + 1} of {link.MaxDownloads}) from {actor.ClientIp ?? "an unknown address"}");
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(RoiAudit.Of(request, AuditAction.Disclose, $"download link {link.Id:D} served ({link.Downloads + 1} of {link.MaxDownloads})",
                AuditOutcome.Success, actor), token);
            return Result<DownloadOutcome>.Success(new DownloadOutcome(file, null));
        }, ct);
    }

    public static string Message(string outcome) => outcome switch
    {
        DownloadOutcomes.Expired => "This link has expired. Ask the hospital's Health Information Management department for a new one.",
        DownloadOutcomes.Exhausted => "This link has been used as many times as it allows. Ask the hospital's Health Information Management department for a new one.",
        _ => "This link has been withdrawn. Ask the hospital's Health Information Management department if you still need the records.",
    };

    private static string? Trim(string? address) => address is { Length: > 64 } ? address[..64] : address;
}
