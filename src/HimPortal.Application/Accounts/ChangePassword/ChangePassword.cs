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

namespace HimPortal.Application.Accounts.ChangePassword;

public sealed record ChangePasswordCommand(string CurrentPassword, string NewPassword, string ConfirmPassword);

/// <param name="OtherSessionsEnded">The user's sessions elsewhere (other workstations, browsers) that this change ended.</param>
public sealed record PasswordChanged(int OtherSessionsEnded);

public sealed class ChangePasswordValidator : AbstractValidator<ChangePasswordCommand>
{
    public ChangePasswordValidator()
    {
        // One message per field, every field checked: the form shows all its mistakes at once.
        RuleLevelCascadeMode = CascadeMode.Stop;
        RuleFor(c => c.CurrentPassword).NotEmpty().WithMessage("Enter your current password.");
        RuleFor(c => c.NewPassword).NotEmpty().WithMessage("Enter a new password.")
            .NotEqual(c => c.CurrentPassword, StringComparer.Ordinal).WithMessage("The new password must differ from the current one.");
        RuleFor(c => c.ConfirmPassword).Equal(c => c.NewPassword, StringComparer.Ordinal).WithMessage("The two new passwords are not the same.");
    }
}

/// <summary>
/// The signed-in user changes their own password, proving the current one (NIST SP 800-63B 6.1.2.3: re-authenticate
/// before a change of authenticator). The new one meets the password policy; every other session of the user ends
/// (whoever may have learnt the old password loses what they opened with it) and this one goes on, its ticket refreshed
/// with the new security stamp and without the must-change mark. Attempts are throttled per user like sign-ins, so the form cannot be
/// used to guess the current password from a session left open. Audited, success or a wrong current password.
/// </summary>
[RequiresPermission(Permissions.SignedIn)]
public sealed class ChangePasswordHandler(
    PermissionCheck permissions,
    HimDbContext db,
    UserManager<HimUser> users,
    SignInManager<HimUser> signIn,
    AccountPasswords passwords,
    Throttle throttle,
    AccessAudit audit,
    IAuditActorAccessor actors,
    ICurrentSession session,
    IValidator<ChangePasswordCommand> validator,
    IOptions<IdentityOptions> identity,
    TimeProvider clock) : Handler<ChangePasswordCommand, Result<PasswordChanged>>(permissions)
{
    protected override async Task<Result<PasswordChanged>> ExecuteAsync(ChangePasswordCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var userId = actors.Current.UserId ?? throw new InvalidOperationException("A signed-in user changes their password.");
        var lockout = identity.Value.Lockout;
        var attempt = await throttle.TryAcquireAsync($"password-change:{userId:D}", lockout.MaxFailedAccessAttempts, lockout.DefaultLockoutTimeSpan, ct);
        if (!attempt.Allowed)
        {
            return new Error(ErrorKind.Invalid, "account.change-throttled",
                $"Too many attempts to change the password. Try again in {Math.Max(1, (int)Math.Ceiling(attempt.RetryAfter(clock.GetUtcNow()).TotalMinutes))} minute(s).");
        }

        var validation = await validator.ValidateAsync(command, ct);
        var problems = validation.Errors.Select(e => new FieldError(e.PropertyName, e.ErrorMessage)).ToList();
        return await db.InTransactionAsync<Result<PasswordChanged>>(async token =>
        {
            var user = await users.FindByIdAsync(userId.ToString());
            if (user is null)
            {
                return Error.NotFound("No such user account.");
            }

            var wrongCurrent = command.CurrentPassword.Length > 0 && !await users.CheckPasswordAsync(user, command.CurrentPassword);
            if (wrongCurrent)
            {
                problems.Insert(0, new FieldError(AccountErrors.WrongCurrentPassword.Field!, AccountErrors.WrongCurrentPassword.Message));
            }

            if (problems.All(p => p.Field != nameof(ChangePasswordCommand.NewPassword)))
            {
                problems.AddRange((await passwords.ProblemsAsync(user, command.NewPassword))
                    .Select(p => new FieldError(nameof(ChangePasswordCommand.NewPassword), p)));
            }

            if (problems.Count > 0)
            {
                if (wrongCurrent)
                {
                    await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Denied, "Password", user.Id.ToString(),
                        Purpose: "password change refused: wrong current password"), token);
                }

                return Error.Invalid(problems);
            }

            var wasIssued = user.MustChangePassword;
            var replaced = await passwords.ReplaceAsync(user, command.NewPassword, mustChange: false, SessionEndReason.PasswordChanged, token,
                keepSession: session.Id);
            if (!replaced.Result.Succeeded)
            {
                return AccountErrors.PasswordChangedMeanwhile;
            }

            // This browser's session goes on: its stored ticket gets the new security stamp and loses the must-change mark
            // (the cookie handler renews the session it came with, through the ticket store, in this same transaction).
            await signIn.RefreshSignInAsync(user);
            var others = replaced.SessionsEnded;
            await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "Password", user.Id.ToString(),
                Purpose: wasIssued ? "issued password replaced by its user" : "password changed by its user",
                Details: $"other sessions ended: {others}"), token);
            return Result<PasswordChanged>.Success(new PasswordChanged(others));
        }, ct);
    }
}
