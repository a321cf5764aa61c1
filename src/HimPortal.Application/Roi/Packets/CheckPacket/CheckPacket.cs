using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Packets.CheckPacket;

/// <param name="Version">The packet's row version the checker saw.</param>
public sealed record CheckPacketCommand(Guid RequestId, Guid PacketId, uint Version);

/// <summary>
/// The quality check of a built packet (issue 17 item 5): a packet with sensitive content is checked by a second person,
/// never the one who queued it (refused, and the refusal audited); others may be checked by the same specialist. The
/// release gate must be clear (<see cref="ReleaseGate"/>): then the packet is checked and the request ready.
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class CheckPacketHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    ReleaseGate gate,
    RequestTimeline timeline,
    IAuditActorAccessor actors,
    TimeProvider clock) : Handler<CheckPacketCommand, Result<bool>>(permissions)
{
    public static readonly Error SamePerson = Error.Forbidden(
        "This packet holds sensitive content: a second person checks it, not the one who asked for it to be built.");

    protected override async Task<Result<bool>> ExecuteAsync(CheckPacketCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        try
        {
            return await db.InTransactionAsync<Result<bool>>(async token =>
            {
                var packet = await db.Packets.SingleOrDefaultAsync(p => p.Id == command.PacketId && p.RequestId == command.RequestId, token);
                var request = packet is null ? null : await db.ReleaseRequests.SingleOrDefaultAsync(r => r.Id == packet.RequestId, token);
                if (packet is null || request is null)
                {
                    return PacketErrors.NotFound;
                }

                db.Entry(packet).Property(p => p.Version).OriginalValue = command.Version;
                if (packet.Status != PacketStatuses.Built)
                {
                    return Error.Conflict($"Only a built packet is checked (this one is {packet.Status}).");
                }

                var user = actors.Current.UserId;
                if (packet.ContainsSensitive && user is not null && user == packet.QueuedByUserId)
                {
                    await audit.RecordAsync(PacketErrors.Audit(AuditAction.Update, request,
                        $"packet {packet.Id:D} check refused: sensitive content needs a second person", AuditOutcome.Denied), token);
                    return SamePerson;
                }

                var blockers = await gate.BlockersAsync(request, token);
                if (blockers.Count > 0)
                {
                    return Error.Conflict("The release is blocked: " + string.Join(" ", blockers));
                }

                packet.Status = PacketStatuses.Checked;
                packet.CheckedAt = clock.GetUtcNow();
                packet.CheckedByUserId = user;
                if (!timeline.Move(request, RequestStatuses.Ready, "packet checked" + (packet.ContainsSensitive ? " by a second person (sensitive content)" : "")))
                {
                    return Error.Conflict($"The request cannot become ready from {request.Status}.");
                }

                await db.SaveChangesAsync(token);
                await audit.RecordAsync(PacketErrors.Audit(AuditAction.Update, request, $"packet {packet.Id:D} checked"), token);
                return Result<bool>.Success(true);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return PacketErrors.Stale;
        }
    }
}
