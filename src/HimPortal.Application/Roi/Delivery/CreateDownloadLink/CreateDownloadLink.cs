using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Mail;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Delivery.CreateDownloadLink;

/// <param name="SendEmail">Also e-mail the link to the requester's address (when mail is configured and the request has one).</param>
public sealed record CreateDownloadLinkCommand(Guid RequestId, uint Version, bool SendEmail = true);

/// <param name="Token">Shown once: only its hash is kept.</param>
/// <param name="Resent">A new link to a packet already released (the same bytes); nothing is disclosed anew.</param>
public sealed record DownloadLinkCreated(Guid LinkId, string Token, string Path, DateTimeOffset ExpiresAt, int MaxDownloads, bool Resent, bool Emailed, string? EmailProblem);

/// <summary>
/// Delivers by secure download link (issue 17 item 6): a random token, stored as its SHA-256, expiring after the policy's
/// days and serving at most its number of downloads. The first link releases the packet (PacketRelease: the disclosure's
/// date is the link's creation; the downloads are the proof); a later link re-sends the released packet, byte-identical.
/// The link is e-mailed to the requester when mail is configured: sent after the commit, from the request itself (staff
/// press the button; the token must not wait in a job's payload, which would keep it in clear).
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class CreateDownloadLinkHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    PacketRelease release,
    RequestTimeline timeline,
    MailSender mail,
    TimeProvider time) : Handler<CreateDownloadLinkCommand, Result<DownloadLinkCreated>>(permissions)
{
    protected override async Task<Result<DownloadLinkCreated>> ExecuteAsync(CreateDownloadLinkCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var token = DownloadTokens.New();
        (DownloadLinkCreated Link, string? Email, string Number)? created;
        try
        {
            var result = await db.InTransactionAsync(t => CreateAsync(command, token, t), ct);
            if (!result.IsSuccess)
            {
                return result.Error!;
            }

            created = result.Value;
        }
        catch (DbUpdateConcurrencyException)
        {
            return RoiAudit.Stale;
        }

        var (link, email, number) = created.Value;
        if (!command.SendEmail || string.IsNullOrWhiteSpace(email))
        {
            return Result<DownloadLinkCreated>.Success(link);
        }

        if (!mail.IsConfigured)
        {
            return Result<DownloadLinkCreated>.Success(link with { EmailProblem = "No mail server is configured: give the requester the link yourself." });
        }

        try
        {
            var url = mail.Settings.Link(link.Path);
            var message = mail.Compose(email, null, $"Your records are ready: {number}",
                $"""
                 The copy of records you asked for ({number}) is ready to download at this secure link:

                 {url}

                 The link works until {link.ExpiresAt:yyyy-MM-dd HH:mm} UTC and for at most {link.MaxDownloads} downloads. Do not forward it.
                 If you did not ask for these records, tell the hospital's Health Information Management department.
                 """);
            await mail.SendAsync(message, ct);
            return Result<DownloadLinkCreated>.Success(link with { Emailed = true });
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or MailKit.ServiceNotConnectedException
                                      or MailKit.Net.Smtp.SmtpCommandException or MailKit.Net.Smtp.SmtpProtocolException or TimeoutException)
        {
            return Result<DownloadLinkCreated>.Success(link with { EmailProblem = "The e-mail could not be sent: give the requester the link yourself." });
        }
    }

    private async Task<Result<(DownloadLinkCreated, string?, string)>> CreateAsync(CreateDownloadLinkCommand command, string token, CancellationToken ct)
    {
        var request = await db.ReleaseRequests.SingleOrDefaultAsync(r => r.Id == command.RequestId, ct);
        if (request is null)
        {
            return Error.NotFound("There is no such request.");
        }

        if (request.Version != command.Version)
        {
            return RoiAudit.Stale;
        }

        var packet = await PacketRelease.CurrentPacketAsync(db, request.Id, ct);
        var resend = request.Status == RequestStatuses.Delivered && packet?.Status == PacketStatuses.Released;
        if (!resend && await release.RefusalAsync(request, packet, ct) is { } refusal)
        {
            return refusal;
        }

        var settings = await db.RoiSettings.AsNoTracking().SingleAsync(ct);
        var now = time.GetUtcNow();
        var link = new DownloadLink
        {
            Id = Guid.CreateVersion7(),
            RequestId = request.Id,
            PacketId = packet!.Id,
            TokenHash = DownloadTokens.Hash(token),
            CreatedAt = now,
            CreatedByUserId = actors.Current.UserId,
            ExpiresAt = now.AddDays(settings.DownloadLinkDays),
            MaxDownloads = settings.DownloadLinkMaxDownloads,
        };
        db.DownloadLinks.Add(link);
        var terms = $"expires {link.ExpiresAt:yyyy-MM-dd HH:mm} UTC, at most {link.MaxDownloads} downloads, each recorded";
        if (resend)
        {
            timeline.Note(request, "download-link", $"Re-sent: a new download link to the released packet ({terms})");
        }
        else
        {
            await release.ReleaseAsync(request, packet, DeliveryMethods.SecureDownload, $"Secure download link {link.Id:D} created ({terms})", ct);
            db.Entry(request).Property(r => r.Version).OriginalValue = command.Version;
        }

        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(RoiAudit.Of(request, AuditAction.Disclose, resend ? $"download link {link.Id:D} re-sent" : $"released by download link {link.Id:D}"), ct);
        return Result<(DownloadLinkCreated, string?, string)>.Success((
            new DownloadLinkCreated(link.Id, token, DownloadTokens.Path(token), link.ExpiresAt, link.MaxDownloads, resend, false, null),
            request.RequesterEmail, request.Display));
    }
}
