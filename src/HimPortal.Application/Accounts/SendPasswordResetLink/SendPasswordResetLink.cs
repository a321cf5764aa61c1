using HimPortal.Application.Access;
using HimPortal.Application.Access.Identity;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Mail;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Accounts.SendPasswordResetLink;

public sealed record SendPasswordResetLinkCommand(Guid UserId);

/// <summary>
/// Makes a reset link for the account and mails it, as the scheduler, in a job (<see cref="SendPasswordResetLinkJob"/>).
/// The token's hash and the audit row commit first; then the mail goes. If sending fails the job throws and runs again
/// later, and that attempt's new link replaces this one (which never left the server). The message is built here from
/// the account's id: no address, name or link is ever in the job's row.
/// </summary>
[RequiresPermission(Permissions.AccountsNotify)]
public sealed class SendPasswordResetLinkHandler(
    PermissionCheck permissions,
    HimDbContext db,
    PasswordResetTokens tokens,
    MailSender mail,
    AccessAudit audit,
    IOptions<AccountsOptions> options,
    PortalAddress portal,
    TimeProvider clock) : Handler<SendPasswordResetLinkCommand, Result<bool>>(permissions)
{
    public const string Subject = "Reset your HimPortal password";

    protected override async Task<Result<bool>> ExecuteAsync(SendPasswordResetLinkCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!mail.IsConfigured)
        {
            return AccountErrors.ResetByMailOff;
        }

        var user = await db.Users.AsNoTracking().Where(u => u.Id == command.UserId)
            .Select(u => new { u.Id, u.Email, u.DisplayName, u.LockoutEnd })
            .SingleOrDefaultAsync(ct);
        // Gone, or locked by an administrator since the request: nothing to send (and the request's audit row stands).
        if (user?.Email is null || user.LockoutEnd > clock.GetUtcNow().AddYears(100))
        {
            return Result<bool>.Success(false);
        }

        var lifetime = options.Value.PasswordReset.LinkLifetime;
        var token = await db.InTransactionAsync(async t =>
        {
            var issued = await tokens.IssueAsync(user.Id, lifetime, t);
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "PasswordResetLink", user.Id.ToString(),
                Purpose: "reset link sent by e-mail", Details: $"valid until {issued.ExpiresAt.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC"), t);
            return issued.Token;
        }, ct);

        // A patient's account resets its password in the patient portal, the only host it may sign in to (issue 19 item 2).
        var patient = await db.UserRoles.AnyAsync(ur => ur.UserId == user.Id && db.Roles.Any(r => r.Id == ur.RoleId && r.Name == Roles.Patient), ct);
        var path = "Account/ResetPassword?token=" + Uri.EscapeDataString(token);
        var link = patient && portal.PublicUrl is not null ? portal.Link(path) : mail.Settings.Link(path);
        var product = patient ? "patient portal" : "HimPortal";
        var minutes = (int)lifetime.TotalMinutes;
        var text = $"""
            Hello {user.DisplayName},

            Someone, we hope you, asked to reset the password of the {product} account {user.Email}.
            To choose a new password, open this link within {minutes} minutes:

            {link}

            The link works once. If you did not ask for it, ignore this message: your password stays as it is.
            A newer request sends a new link, and this one then stops working.

            HimPortal, Health Information Management
            """;
        await mail.SendAsync(mail.Compose(user.Email, user.DisplayName, Subject, text), ct);
        return Result<bool>.Success(true);
    }
}
