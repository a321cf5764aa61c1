using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Mail;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace HimPortal.Application.Roi.Delivery.SendUnencryptedEmail;

public sealed record SendUnencryptedEmailCommand(Guid RequestId, uint Version);

/// <summary>
/// Sends the packet as an e-mail attachment without encryption: only when the request says the individual asked for it
/// after being warned of the risk (45 CFR 164.524(c)(2); the 2013 Omnibus Rule's preamble), and only for the
/// individual's own requests. The mail is sent inside the transaction, before the commit: a send that fails leaves
/// nothing recorded, and the release, the proof and the disclosure commit only for a message the relay accepted.
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class SendUnencryptedEmailHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    PacketRelease release,
    IDocumentStore store,
    MailSender mail) : Handler<SendUnencryptedEmailCommand, Result<Guid>>(permissions)
{
    protected override async Task<Result<Guid>> ExecuteAsync(SendUnencryptedEmailCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!mail.IsConfigured)
        {
            return Error.Conflict("No mail server is configured: the packet cannot be e-mailed.");
        }

        try
        {
            return await db.InTransactionAsync<Result<Guid>>(async token =>
            {
                var loaded = await release.LoadAsync(command.RequestId, command.Version, token);
                if (!loaded.IsSuccess)
                {
                    return loaded.Error!;
                }

                var (request, packet) = loaded.Value;

                if (request.Delivery != DeliveryMethods.UnencryptedEmail || request.UnencryptedEmailWarnedAt is null
                    || !RequesterRules.For(request.RequesterType).Individual)
                {
                    return Error.Conflict("Unencrypted e-mail is only for the individual who asked for it after the warning: choose a secure download link.");
                }

                if (string.IsNullOrWhiteSpace(request.RequesterEmail))
                {
                    return Error.Invalid("The request has no e-mail address.");
                }

                var file = await PacketFiles.ReadAsync(store, request, packet, token);
                var disclosure = await release.ReleaseAsync(request, packet, DeliveryMethods.UnencryptedEmail,
                    $"E-mailed unencrypted, as the individual asked after the warning of {request.UnencryptedEmailWarnedAt:yyyy-MM-dd}", token);
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(RoiAudit.Of(request, AuditAction.Disclose, "released by unencrypted e-mail"), token);
                var text = $"The copy of records you asked for ({request.Display}) is attached. You asked for it by ordinary, unencrypted e-mail after being told of the risk.";
                var message = mail.Compose(request.RequesterEmail!, request.RequesterName, $"Your records: {request.Display}", text);
                var body = new BodyBuilder { TextBody = text };
                body.Attachments.Add(file.FileName, file.Content, ContentType.Parse(file.ContentType));
                message.Body = body.ToMessageBody();
                await mail.SendAsync(message, token);
                return Result<Guid>.Success(disclosure.Id);
            }, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return RoiAudit.Stale;
        }
    }
}
