using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Identity;
using HimPortal.Application.Access.Sessions;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Throttles;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Accounts.ResetForgottenPassword;

public sealed record ResetForgottenPasswordCommand(string Token, string NewPassword, string ConfirmPassword);

public sealed class ResetForgottenPasswordValidator : AbstractValidator<ResetForgottenPasswordCommand>
{
    public ResetForgottenPasswordValidator()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(c => c.NewPassword).NotEmpty().WithMessage("Enter a new password.");
        RuleFor(c => c.ConfirmPassword).Equal(c => c.NewPassword, StringComparer.Ordinal).WithMessage("The two new passwords are not the same.");
    }
}

/// <summary>
/// Sets a new password with an e-mailed link: the link must be the user's newest, unused and unexpired; the password
/// must meet the policy (a refused password leaves the link usable, so the user can try another). Then, in one
/// transaction, the link is spent (exactly once, even for two requests racing with it), the password set, the
/// must-change mark and a lockout after failed sign-ins cleared, every session ended, and the reset audited. The user
/// then signs in with the new password. Attempts are throttled per client address.
/// </summary>
[RequiresPermission(Permissions.Anyone)]
public sealed class ResetForgottenPasswordHandler(
    PermissionCheck permissions,
    HimDbContext db,
    UserManager<HimUser> users,
    AccountPasswords passwords,
    PasswordResetTokens tokens,
    Throttle throttle,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<ResetForgottenPasswordCommand> validator,
    IOptions<AccountsOptions> options,
    TimeProvider clock) : Handler<ResetForgottenPasswordCommand, Result<string>>(permissions)
{
    protected override async Task<Result<string>> ExecuteAsync(ResetForgottenPasswordCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var actor = actors.Current;
        var attempt = await throttle.TryAcquireAsync($"password-reset-link:client:{actor.ClientIp ?? "unknown"}",
            options.Value.PasswordReset.RequestsPerClientPerHour, TimeSpan.FromHours(1), ct);
        if (!attempt.Allowed)
        {
            return AccountErrors.TooManyRequests(attempt.RetryAfter(clock.GetUtcNow()));
        }

        var validation = await validator.ValidateAsync(command, ct);
        var problems = validation.Errors.Select(e => new FieldError(e.PropertyName, e.ErrorMessage)).ToList();
        return await db.InTransactionAsync<Result<string>>(async token =>
        {
            var found = await tokens.FindAsync(command.Token ?? "", token);
            var user = found.UserId is { } id ? await users.FindByIdAsync(id.ToString()) : null;
            var refusal = found.State != ResetTokenState.Valid ? found.State.ToString().ToLowerInvariant()
                : user is null ? "account gone"
                : AccountPasswords.IsLockedByAdministrator(user, clock.GetUtcNow()) ? "account locked by an administrator"
                : null;
            if (refusal is not null)
            {
                await audit.RecordAsync(Refused(user, "reset link refused: " + refusal), token);
                return AccountErrors.LinkNotValid;
            }

            if (problems.All(p => p.Field != nameof(ResetForgottenPasswordCommand.NewPassword)))
            {
                problems.AddRange((await passwords.ProblemsAsync(user!, command.NewPassword))
                    .Select(p => new FieldError(nameof(ResetForgottenPasswordCommand.NewPassword), p)));
            }

            if (problems.Count > 0)
            {
                return Error.Invalid(problems);
            }

            if (!await tokens.TrySpendAsync(found.TokenId!.Value, token))
            {
                await audit.RecordAsync(Refused(user, "reset link refused: used by a concurrent request"), token);
                return AccountErrors.LinkNotValid;
            }

            var replaced = await passwords.ReplaceAsync(user!, command.NewPassword, mustChange: false, SessionEndReason.PasswordReset, token);
            if (!replaced.Result.Succeeded)
            {
                // Roll the spent link back with everything else: the user may try again with it.
                throw new InvalidOperationException("The account changed while its password was reset: " +
                                                    string.Join(" ", replaced.Result.Errors.Select(e => e.Code)));
            }

            await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "Password", user!.Id.ToString(),
                Purpose: "password reset with an e-mailed link", Details: $"sessions ended: {replaced.SessionsEnded}",
                Actor: actor with { UserId = user.Id, UserName = user.Email }), token);
            return Result<string>.Success(user.Email!);
        }, ct);
    }

    private static AuditRecord Refused(HimUser? user, string reason) =>
        new(AuditAction.Update, AuditOutcome.Denied, "Password", user?.Id.ToString(), Purpose: reason);
}
