using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Accounts.SignIn;

public sealed record SignInCommand(string Email, string Password);

/// <param name="MustChangePassword">The password was issued by an administrator: the user chooses their own before anything else.</param>
public sealed record SignedIn(Guid UserId, IReadOnlyList<string> Roles, bool MustChangePassword = false);

public sealed class SignInValidator : AbstractValidator<SignInCommand>
{
    public SignInValidator()
    {
        RuleFor(c => c.Email).NotEmpty().WithMessage("Enter your e-mail address.").MaximumLength(256);
        RuleFor(c => c.Password).NotEmpty().WithMessage("Enter your password.");
    }
}

public static class SignInErrors
{
    // One message for an unknown account and a wrong password, so the form does not reveal which accounts exist.
    public static Error InvalidCredentials => new(ErrorKind.Invalid, "signin.invalid", "The e-mail address or password is not correct.");

    public static Error LockedOut =>
        new(ErrorKind.Invalid, "signin.locked", "This account is locked. Try again later, or ask an administrator to unlock it.");
}

/// <summary>
/// Password sign-in with lockout on repeated failure. The sign-in, the new server-side session and the audit row
/// (success or failure) commit together.
/// </summary>
[RequiresPermission(Permissions.Anyone)]
public sealed class SignInHandler(
    PermissionCheck permissions,
    HimDbContext db,
    SignInManager<HimUser> signIn,
    UserManager<HimUser> users,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<SignInCommand> validator,
    TimeProvider clock) : Handler<SignInCommand, Result<SignedIn>>(permissions)
{
    protected override async Task<Result<SignedIn>> ExecuteAsync(SignInCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var email = command.Email.Trim();
        return await db.InTransactionAsync<Result<SignedIn>>(async token =>
        {
            var user = await users.FindByEmailAsync(email);
            var request = actors.Current;
            if (user is null)
            {
                await audit.RecordAsync(Failed(request, null, email, "unknown account"), token);
                return SignInErrors.InvalidCredentials;
            }

            var roles = (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal).ToList();
            var actor = request with { UserId = user.Id, UserName = user.Email, Roles = roles };
            var lockedBefore = await users.IsLockedOutAsync(user);
            var result = await signIn.PasswordSignInAsync(user, command.Password, isPersistent: false, lockoutOnFailure: true);
            if (result.Succeeded)
            {
                var now = clock.GetUtcNow();
                // Not through UserManager: a sign-in must not bump the concurrency stamp an administrator may be editing against.
                await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(set => set.SetProperty(u => u.LastSignInAt, now), token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Login, AuditOutcome.Success, "Session", Actor: actor), token);
                return Result<SignedIn>.Success(new SignedIn(user.Id, roles, user.MustChangePassword));
            }

            if (result.IsLockedOut)
            {
                // The attempt that reaches the limit is itself reported as locked out: record that it was a wrong password.
                await audit.RecordAsync(Failed(actor, user.Id, user.Email, lockedBefore ? "account locked" : "wrong password; account now locked"), token);
                return SignInErrors.LockedOut;
            }

            await audit.RecordAsync(Failed(actor, user.Id, user.Email, result.IsNotAllowed ? "sign-in not allowed" : "wrong password"), token);
            return SignInErrors.InvalidCredentials;
        }, ct);
    }

    private static AuditRecord Failed(AuditActor actor, Guid? userId, string? userName, string reason) =>
        new(AuditAction.LoginFailed, AuditOutcome.Denied, "Session", Purpose: reason,
            Actor: actor with { UserId = userId, UserName = userName });
}
