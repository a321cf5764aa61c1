using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Store;
using HimPortal.Application.Roi.Fees.GetInvoicePdf;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Delivery.GetPacketFile;

public sealed record GetPacketFileQuery(Guid RequestId);

/// <summary>The request's built packet, to print for mail or pickup (audited as a print): only once it has been checked.</summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class GetPacketFileHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IDocumentStore store)
    : Handler<GetPacketFileQuery, Result<RoiFile>>(permissions)
{
    protected override async Task<Result<RoiFile>> ExecuteAsync(GetPacketFileQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await db.InTransactionAsync<Result<RoiFile>>(async token =>
        {
            var request = await db.ReleaseRequests.AsNoTracking().SingleOrDefaultAsync(r => r.Id == query.RequestId, token);
            var packet = request is null ? null : await PacketRelease.CurrentPacketAsync(db, request.Id, token);
            if (request is null || packet is null)
            {
                return Error.NotFound("The request has no packet.");
            }

            if (packet.Status is not (PacketStatuses.Checked or PacketStatuses.Released))
            {
                return Error.Conflict("The packet has not been checked yet: it is not printed for release.");
            }

            var file = await PacketFiles.ReadAsync(store, request, packet, token);
            await audit.RecordAsync(RoiAudit.Of(request, AuditAction.Print, $"packet {packet.Id:D} printed or downloaded for delivery"), token);
            return Result<RoiFile>.Success(file);
        }, ct);
    }
}
