using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Jobs;
using HimPortal.Application.Roi.Packets.BuildPacket;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Packets.QueuePacket;

/// <param name="Version">The request's row version the specialist saw.</param>
public sealed record QueuePacketCommand(Guid RequestId, uint Version);

/// <summary>
/// Asks for the packet to be built (job <see cref="BuildPacketJob.Kind"/>): a new packet row, queued. A packet built or
/// checked before is discarded (a rebuild before release; a released packet is never rebuilt), and a request past
/// processing goes back to it, so the check is always of the packet that goes out.
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class QueuePacketHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    JobQueue jobs,
    RequestTimeline timeline,
    IAuditActorAccessor actors,
    TimeProvider clock) : Handler<QueuePacketCommand, Result<Guid>>(permissions)
{
    protected override async Task<Result<Guid>> ExecuteAsync(QueuePacketCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        try
        {
            return await db.InTransactionAsync<Result<Guid>>(async token =>
            {
                var request = await db.ReleaseRequests.SingleOrDefaultAsync(r => r.Id == command.RequestId, token);
                if (request is null)
                {
                    return PacketErrors.NotFound;
                }

                db.Entry(request).Property(r => r.Version).OriginalValue = command.Version;
                if (request.Status is not (RequestStatuses.Processing or RequestStatuses.QualityCheck or RequestStatuses.Ready))
                {
                    return Error.Conflict($"A packet is built while the request is processing (it is {request.Status}).");
                }

                var packets = await db.Packets.Where(p => p.RequestId == request.Id && p.Status != PacketStatuses.Discarded).ToListAsync(token);
                if (packets.Any(p => p.Status == PacketStatuses.Released))
                {
                    return PacketErrors.Released;
                }

                if (!await db.PacketItems.AnyAsync(i => i.RequestId == request.Id && i.Included, token))
                {
                    return Error.Invalid("Select the items first: nothing is included yet.");
                }

                foreach (var old in packets)
                {
                    old.Status = PacketStatuses.Discarded;
                }

                if (request.Status != RequestStatuses.Processing)
                {
                    timeline.Move(request, RequestStatuses.Processing, "packet rebuilt: the earlier one is discarded");
                }

                var packet = new Packet
                {
                    Id = Guid.CreateVersion7(),
                    RequestId = request.Id,
                    Status = PacketStatuses.Queued,
                    Format = request.Format == ReleaseFormats.FhirJson ? ReleaseFormats.FhirJson : ReleaseFormats.Pdf,
                    QueuedAt = clock.GetUtcNow(),
                    QueuedByUserId = actors.Current.UserId,
                };
                db.Packets.Add(packet);
                await db.SaveChangesAsync(token);
                packet.JobId = await jobs.EnqueueAsync(BuildPacketJob.Kind, new BuildPacketPayload(packet.Id), new JobRequest(DedupeKey: $"{BuildPacketJob.Kind}:{packet.Id:D}"), token);
                timeline.Note(request, "packet", $"packet queued for building{(packets.Count > 0 ? $" ({packets.Count} earlier discarded)" : "")}");
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(PacketErrors.Audit(AuditAction.Create, request, $"packet {packet.Id:D} queued"), token);
                return Result<Guid>.Success(packet.Id);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return PacketErrors.Stale;
        }
    }
}
