using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Delivery.RevokeDownloadLink;

public sealed record RevokeDownloadLinkCommand(Guid LinkId, uint Version);

/// <summary>Withdraws a download link (sent to the wrong address, no longer wanted): every later use is refused and recorded.</summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class RevokeDownloadLinkHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, RequestTimeline timeline, TimeProvider time)
    : Handler<RevokeDownloadLinkCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(RevokeDownloadLinkCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        try
        {
            return await db.InTransactionAsync<Result<bool>>(async token =>
            {
                var link = await db.DownloadLinks.SingleOrDefaultAsync(l => l.Id == command.LinkId, token);
                if (link is null)
                {
                    return Error.NotFound("There is no such download link.");
                }

                if (link.Version != command.Version)
                {
                    return RoiAudit.Stale;
                }

                if (link.RevokedAt is not null)
                {
                    return Error.Conflict("The link is already revoked.");
                }

                var request = await db.ReleaseRequests.SingleAsync(r => r.Id == link.RequestId, token);
                link.RevokedAt = time.GetUtcNow();
                db.Entry(link).Property(l => l.Version).OriginalValue = command.Version;
                timeline.Note(request, "download-link", $"Download link {link.Id:D} revoked");
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(RoiAudit.Of(request, AuditAction.Update, $"download link {link.Id:D} revoked"), token);
                return Result<bool>.Success(true);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return RoiAudit.Stale;
        }
    }
}
