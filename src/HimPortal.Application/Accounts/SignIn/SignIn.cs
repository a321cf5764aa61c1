using System.Security.Claims;
using System.Security.Cryptography;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Accounts.SignIn;

/// <param name="Audience">Which host asks: each admits its own accounts only (issue 19 item 1).</param>
public sealed record SignInCommand(string Email, string Password, SignInAudience Audience = SignInAudience.Staff);

/// <summary>The host a sign-in is for: the staff app admits no patient account, the patient portal only patient accounts.</summary>
public enum SignInAudience
{
    Staff,
    Portal,
}

/// <param name="MustChangePassword">The password was issued by an administrator: the user chooses their own before anything else.</param>
/// <param name="SecondFactorRequired">The password was right and the account signs in with an authenticator code: no session yet (<see cref="CompleteSignInHandler"/>).</param>
public sealed record SignedIn(Guid UserId, IReadOnlyList<string> Roles, bool MustChangePassword = false, bool SecondFactorRequired = false);

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
    // One message, and one answer time, for every failure: an unknown address, a wrong password, a locked or disabled
    // account, a throttled attempt. Telling them apart would tell an attacker which accounts exist (ASVS 5.0 V6.3.8,
    // NIST SP 800-63B 5.2.2); the audit row says which it was.
    public static Error InvalidCredentials =>
        new(ErrorKind.Invalid, "signin.invalid", "The e-mail or password is not right, or the account cannot sign in now.");

    // Told only after the right password, so it reveals nothing to someone guessing; it sends the person where they belong.
    public static Error UsePortal =>
        new(ErrorKind.Invalid, "signin.use-portal", "This is the hospital staff's application. Patients sign in to the patient portal.");

    public static Error UseStaffApp =>
        new(ErrorKind.Invalid, "signin.use-staff-app", "This account cannot sign in to the patient portal. Hospital staff use the staff application.");

    /// <summary>Why an account may not sign in to this host, or null when it may: the portal admits Patient-only accounts, the staff app none holding Patient.</summary>
    public static Error? ForAudience(SignInAudience audience, IReadOnlyList<string> roles) => audience switch
    {
        SignInAudience.Portal when roles is not [Access.Roles.Patient] => UseStaffApp,
        SignInAudience.Staff when roles.Contains(Access.Roles.Patient) => UsePortal,
        _ => null,
    };
}

/// <summary>
/// Password sign-in, slowed by the sign-in throttles (per client, per account on a client, per account: ADR 0022) rather
/// than by locking the account, which anyone who knows an address could do. Every failure takes the same path in time:
/// an unknown address is checked against a dummy hash of the same algorithm and cost, and a locked account's password is
/// checked before its state. The sign-in, the new server-side session and the audit row (success or failure) commit
/// together.
/// </summary>
[RequiresPermission(Permissions.Anyone)]
public sealed class SignInHandler(
    PermissionCheck permissions,
    HimDbContext db,
    SignInManager<HimUser> signIn,
    UserManager<HimUser> users,
    SignInThrottles throttles,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IValidator<SignInCommand> validator,
    TimeProvider clock) : Handler<SignInCommand, Result<SignedIn>>(permissions)
{
    // A hash of a random password by this host's hasher (same algorithm and iteration count as the accounts' hashes),
    // made once: an unknown address costs one verification like a real one (the whole difference was 6 ms against 80+).
    private static string? s_dummyHash;

    protected override async Task<Result<SignedIn>> ExecuteAsync(SignInCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var validation = await validator.ValidateAsync(command, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var email = command.Email.Trim();
        var account = users.NormalizeEmail(email) ?? email;
        var request = actors.Current;
        var attempt = await throttles.TryAttemptAsync(account, request.ClientIp, ct);
        var signedIn = await db.InTransactionAsync<Result<SignedIn>>(async token =>
        {
            var user = await users.FindByEmailAsync(email);
            if (attempt.RefusedBy is { } scope)
            {
                // Refused before any password check, whether the address exists or not: the delay is the same for both.
                await audit.RecordAsync(Failed(request, user?.Id, user?.Email ?? email, Throttled(scope)), token);
                return SignInErrors.InvalidCredentials;
            }

            if (user?.PasswordHash is null)
            {
                // No account (or one without a password): the same verification as a real one, against the dummy hash.
                users.PasswordHasher.VerifyHashedPassword(new HimUser { DisplayName = "" }, DummyHash(), command.Password);
                await audit.RecordAsync(Failed(request, user?.Id, user?.Email ?? email, user is null ? "unknown account" : "no password"), token);
                return SignInErrors.InvalidCredentials;
            }

            var roles = (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal).ToList();
            var actor = request with { UserId = user.Id, UserName = user.Email, Roles = roles };
            // The password first, the account's state after: a locked account answers in the same time as any other.
            var passwordRight = await users.CheckPasswordAsync(user, command.Password);
            if (!passwordRight)
            {
                await audit.RecordAsync(Failed(actor, user.Id, user.Email, "wrong password"), token);
                return SignInErrors.InvalidCredentials;
            }

            if (await users.IsLockedOutAsync(user))
            {
                await audit.RecordAsync(Failed(actor, user.Id, user.Email, "account locked"), token);
                return SignInErrors.InvalidCredentials;
            }

            // After the password, like every other refusal: the answer takes the time a wrong password takes.
            if (SignInErrors.ForAudience(command.Audience, roles) is { } wrongHost)
            {
                await audit.RecordAsync(Failed(actor, user.Id, user.Email,
                    command.Audience == SignInAudience.Portal ? "not a patient account: refused by the patient portal" : "patient account: refused by the staff app"), token);
                return wrongHost;
            }

            if (!await signIn.CanSignInAsync(user))
            {
                await audit.RecordAsync(Failed(actor, user.Id, user.Email, "sign-in not allowed"), token);
                return SignInErrors.InvalidCredentials;
            }

            if (user.TwoFactorEnabled)
            {
                // The password alone starts no session: the code comes next, on its own page.
                await audit.RecordAsync(new AuditRecord(AuditAction.Login, AuditOutcome.Denied, "Session", Purpose: "password accepted; second factor required",
                    Actor: actor), token);
                return Result<SignedIn>.Success(new SignedIn(user.Id, roles, user.MustChangePassword, SecondFactorRequired: true));
            }

            await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim("amr", "pwd")]);
            var now = clock.GetUtcNow();
            // Not through UserManager: a sign-in must not bump the concurrency stamp an administrator may be editing against.
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(set => set.SetProperty(u => u.LastSignInAt, now), token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Login, AuditOutcome.Success, "Session", Actor: actor), token);
            return Result<SignedIn>.Success(new SignedIn(user.Id, roles, user.MustChangePassword));
        }, ct);

        if (signedIn.IsSuccess)
        {
            await throttles.SucceededAsync(account, request.ClientIp, countedOnAccount: !attempt.UsualClient, ct);
        }

        return signedIn;
    }

    private string DummyHash() =>
        s_dummyHash ??= users.PasswordHasher.HashPassword(new HimUser { DisplayName = "" }, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

    private static string Throttled(SignInThrottleScope scope) => scope switch
    {
        SignInThrottleScope.Client => "throttled: too many failures from this client",
        SignInThrottleScope.AccountOnClient => "throttled: too many failures for this account from this client",
        _ => "throttled: too many failures for this account",
    };

    private static AuditRecord Failed(AuditActor actor, Guid? userId, string? userName, string reason) =>
        new(AuditAction.LoginFailed, AuditOutcome.Denied, "Session", Purpose: reason,
            Actor: actor with { UserId = userId, UserName = userName });
}
