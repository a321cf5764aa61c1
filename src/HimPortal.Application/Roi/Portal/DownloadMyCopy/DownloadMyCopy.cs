using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Application.Roi.Delivery;
using HimPortal.Application.Roi.Delivery.GetDelivery;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Portal.DownloadMyCopy;

public sealed record DownloadMyCopyCommand(Guid PatientId, Guid RequestId) : IPatientRequest;

/// <summary>
/// The patient downloads their released copy in the portal (issue 19 item 4): release of information's secure download, with
/// the signed-in portal account in place of the link's token. The request must be one of the person's own copies (the gate
/// opens the person first; another person's request id is not found, and the attempt audited); the copy must be released,
/// and its newest link in force: the same expiry and download count as the e-mailed link, taken in one conditional UPDATE,
/// each use a download event, a timeline line and an audit row (disclose, as the patient). The bytes are streamed after
/// the commit, checked against the hash recorded at build, never held whole in memory.
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class DownloadMyCopyHandler(
    PermissionCheck permissions,
    HimDbContext db,
    ChartGate gate,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IDocumentStore store,
    RequestTimeline timeline,
    TimeProvider time) : Handler<DownloadMyCopyCommand, Result<PacketStream>>(permissions)
{
    public static readonly Error NoSuchCopy = Error.NotFound("There is no such copy.");

    protected override async Task<Result<PacketStream>> ExecuteAsync(DownloadMyCopyCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var counted = await db.InTransactionAsync<Result<(ReleaseRequest Request, Packet Packet)>>(async token =>
        {
            var entry = await PortalDoor.OpenAsync(gate, audit, command.PatientId, AuditAction.Disclose, RoiAudit.ResourceType,
                command.RequestId.ToString("D"), "copies.download", token);
            if (entry is null)
            {
                return NoSuchCopy;
            }

            var records = entry.Patient.RecordIds;
            var request = await db.ReleaseRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == command.RequestId && records.Contains(r.PatientId)
                && (r.RequesterType == RequesterTypes.Patient || r.RequesterType == RequesterTypes.PersonalRepresentative), token);
            if (request is null)
            {
                // Probing request ids is what a snooper does: the refused attempt names the id asked for.
                await audit.RecordAsync(new AuditRecord(AuditAction.Disclose, AuditOutcome.Denied, RoiAudit.ResourceType, command.RequestId.ToString("D"),
                    entry.Patient.Id, Purpose: "not one of this person's copies", Details: "portal.copies.download; outcome=not-found"), token);
                return NoSuchCopy;
            }

            var packet = await db.Packets.AsNoTracking().Where(p => p.RequestId == request.Id && p.Status == PacketStatuses.Released)
                .OrderByDescending(p => p.ReleasedAt).FirstOrDefaultAsync(token);
            var link = await db.DownloadLinks.AsNoTracking().Where(l => l.RequestId == request.Id).OrderByDescending(l => l.CreatedAt).FirstOrDefaultAsync(token);
            var now = time.GetUtcNow();
            if (packet is null || link is null || link.PacketId != packet.Id)
            {
                return Error.Conflict("This copy is not ready to download yet.");
            }

            var state = GetDeliveryHandler.StateOf(link, now);
            if (state == "active")
            {
                var taken = await db.DownloadLinks
                    .Where(l => l.Id == link.Id && l.RevokedAt == null && l.ExpiresAt > now && l.Downloads < l.MaxDownloads)
                    .ExecuteUpdateAsync(s => s.SetProperty(l => l.Downloads, l => l.Downloads + 1), token);
                state = taken == 1 ? DownloadOutcomes.Served : DownloadOutcomes.Exhausted;
            }

            var address = actors.Current.ClientIp is { Length: > 64 } ip ? ip[..64] : actors.Current.ClientIp;
            db.DownloadEvents.Add(new DownloadEvent { LinkId = link.Id, At = now, Address = address, Outcome = state });
            if (state != DownloadOutcomes.Served)
            {
                timeline.Append(request.Id, "download", $"Portal download refused ({state})");
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(RoiAudit.Of(request, AuditAction.Disclose, $"portal.copies.download; link {link.Id:D} refused: {state}", AuditOutcome.Denied), token);
                return Error.Conflict(Refusal(state));
            }

            timeline.Append(request.Id, "download", $"Downloaded in the patient portal ({link.Downloads + 1} of {link.MaxDownloads})");
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(RoiAudit.Of(request, AuditAction.Disclose,
                $"portal.copies.download; link {link.Id:D} served ({link.Downloads + 1} of {link.MaxDownloads}); {PortalDoor.Reader(entry)}"), token);
            return Result<(ReleaseRequest, Packet)>.Success((request, packet));
        }, ct);
        if (!counted.IsSuccess)
        {
            return counted.Error!;
        }

        var (released, bytes) = counted.Value;
        return Result<PacketStream>.Success(await PacketFiles.OpenAsync(store, released, bytes, ct));
    }

    public static string Refusal(string outcome) => outcome switch
    {
        DownloadOutcomes.Expired => "The time to download this copy has ended. Ask the hospital's health information department for a new download.",
        DownloadOutcomes.Exhausted => "This copy has been downloaded as many times as allowed. Ask the hospital's health information department for a new download.",
        _ => "This copy has been withdrawn. Ask the hospital's health information department if you still need it.",
    };
}
