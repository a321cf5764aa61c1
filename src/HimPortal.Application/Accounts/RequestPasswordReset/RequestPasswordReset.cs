using System.Diagnostics;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Identity;
using HimPortal.Application.Accounts.SendPasswordResetLink;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Mail;
using HimPortal.Application.Common.Throttles;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Accounts.RequestPasswordReset;

public sealed record RequestPasswordResetCommand(string Email);

public sealed class RequestPasswordResetValidator : AbstractValidator<RequestPasswordResetCommand>
{
    public RequestPasswordResetValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(c => c.Email).NotEmpty().WithMessage("Enter your e-mail address.")
            .MaximumLength(256).WithMessage("An e-mail address is at most 256 characters.")
            .EmailAddress().WithMessage("'{PropertyValue}' is not an e-mail address.");
    }
}

/// <summary>
/// "Forgot your password?": someone not signed in gives an e-mail address. The answer is the same whether or not an
/// account has it, and takes the same time (<see cref="AccountsOptions.PasswordResetOptions.ResponseTime"/>): the link is
/// made and mailed by a job (<see cref="SendPasswordResetLinkJob"/>, payload the account's id only), so this request
/// only queues it. Throttled per client address (a refusal says so: it tells nothing about accounts) and per address
/// asked for (further requests send nothing, silently: no mail bombing, no enumeration). An account locked by an
/// administrator gets no link. Every request is audited, with what became of it (OWASP Forgot Password Cheat Sheet).
/// </summary>
[RequiresPermission(Permissions.Anyone)]
public sealed class RequestPasswordResetHandler(
    PermissionCheck permissions,
    HimDbContext db,
    UserManager<HimUser> users,
    JobQueue jobs,
    Throttle throttle,
    MailSender mail,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<RequestPasswordResetCommand> validator,
    IOptions<AccountsOptions> options,
    TimeProvider clock) : Handler<RequestPasswordResetCommand, Result<bool>>(permissions)
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    protected override async Task<Result<bool>> ExecuteAsync(RequestPasswordResetCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!mail.IsConfigured)
        {
            return AccountErrors.ResetByMailOff;
        }

        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var actor = actors.Current;
        if (actor.UserId is not null)
        {
            return AccountErrors.SignedIn;
        }

        var settings = options.Value.PasswordReset;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var email = command.Email.Trim();
            var asked = actor with { UserName = email };
            var client = await throttle.TryAcquireAsync($"password-reset:client:{actor.ClientIp ?? "unknown"}", settings.RequestsPerClientPerHour, Hour, ct);
            if (!client.Allowed)
            {
                await audit.RecordAloneAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Denied, "PasswordResetLink",
                    Purpose: "reset link not sent: too many requests from this client", Actor: asked), ct);
                return AccountErrors.TooManyRequests(client.RetryAfter(clock.GetUtcNow()));
            }

            var account = await throttle.TryAcquireAsync($"password-reset:account:{users.NormalizeEmail(email)}", settings.RequestsPerAccountPerHour, Hour, ct);
            return await db.InTransactionAsync<Result<bool>>(async token =>
            {
                var user = await users.FindByEmailAsync(email);
                var refusal = user is null ? "no account has this e-mail"
                    : !account.Allowed ? "too many requests for this account"
                    : AccountPasswords.IsLockedByAdministrator(user, clock.GetUtcNow()) ? "account locked by an administrator"
                    : null;
                if (refusal is null)
                {
                    // Run as the scheduler (nobody is signed in): the job makes the link, stores its hash and sends it.
                    // No dedupe key: each request sends its own link (which replaces the last); the account's throttle bounds them.
                    await jobs.EnqueueAsync(SendPasswordResetLinkJob.Kind, new PasswordResetLinkPayload(user!.Id), new JobRequest(), token);
                }

                await audit.RecordAsync(new AuditRecord(AuditAction.Create, refusal is null ? AuditOutcome.Success : AuditOutcome.Denied,
                    "PasswordResetLink", user?.Id.ToString(),
                    Purpose: refusal is null ? "reset link requested" : "reset link not sent: " + refusal, Actor: asked), token);
                return Result<bool>.Success(true);
            }, ct);
        }
        finally
        {
            // The same time for every answer, account or not (the work differs by one INSERT; the mail is the job's).
            var remaining = settings.ResponseTime - Stopwatch.GetElapsedTime(started);
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, CancellationToken.None);
            }
        }
    }
}
