using System.Security.Claims;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Identity;
using HimPortal.Application.Accounts.SecondFactor;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Accounts.SignIn;

/// <param name="UserId">Whose password was accepted a moment ago (the page carries it, protected and short-lived).</param>
/// <param name="Code">The authenticator's code, or one of the account's recovery codes (<see cref="RecoveryCodes"/>).</param>
public sealed record CompleteSignInCommand(Guid UserId, string Code, SignInAudience Audience = SignInAudience.Staff);

/// <summary>
/// The second step of a sign-in with a second factor: the authenticator code, accepted once on any node and throttled per
/// user (<see cref="TotpVerifier"/>). Only then the session starts; success and failure are audited like the password step.
/// </summary>
[RequiresPermission(Permissions.Anyone)]
public sealed class CompleteSignInHandler(
    PermissionCheck permissions,
    HimDbContext db,
    SignInManager<HimUser> signIn,
    UserManager<HimUser> users,
    TotpVerifier totp,
    RecoveryCodes recovery,
    AccessAudit audit,
    IAuditActorAccessor actors,
    TimeProvider clock) : Handler<CompleteSignInCommand, Result<SignedIn>>(permissions)
{
    protected override async Task<Result<SignedIn>> ExecuteAsync(CompleteSignInCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return await db.InTransactionAsync<Result<SignedIn>>(async token =>
        {
            var user = await users.FindByIdAsync(command.UserId.ToString());
            var key = user is null ? null : await users.GetAuthenticatorKeyAsync(user);
            if (user is null || !user.TwoFactorEnabled || string.IsNullOrEmpty(key) || await users.IsLockedOutAsync(user) || !await signIn.CanSignInAsync(user))
            {
                return SignInErrors.InvalidCredentials;
            }

            var roles = (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal).ToList();
            var actor = actors.Current with { UserId = user.Id, UserName = user.Email, Roles = roles };
            if (SignInErrors.ForAudience(command.Audience, roles) is { } wrongHost)
            {
                return wrongHost;
            }

            if (RecoveryCodes.LooksLikeOne(command.Code))
            {
                // A recovery code instead of the app's: each works once (NIST SP 800-63B 5.1.2, look-up secrets).
                if (!await recovery.RedeemAsync(user, command.Code))
                {
                    await audit.RecordAsync(new AuditRecord(AuditAction.LoginFailed, AuditOutcome.Denied, "Session",
                        Purpose: "second factor: recovery code not accepted", Actor: actor), token);
                    return SecondFactorErrors.RecoveryCodeNotAccepted;
                }

                await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim("amr", "pwd"), new Claim("amr", "otp")]);
                await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(set => set.SetProperty(u => u.LastSignInAt, clock.GetUtcNow()), token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Login, AuditOutcome.Success, "Session",
                    Details: $"second factor: recovery code ({await recovery.LeftAsync(user)} left)", Actor: actor), token);
                return Result<SignedIn>.Success(new SignedIn(user.Id, roles, user.MustChangePassword));
            }

            var result = await totp.VerifyAsync(user.Id, Authenticator.SecretOf(key), command.Code, token);
            if (result != TotpResult.Accepted)
            {
                await audit.RecordAsync(new AuditRecord(AuditAction.LoginFailed, AuditOutcome.Denied, "Session",
                    Purpose: "second factor " + result.ToString().ToLowerInvariant(), Actor: actor), token);
                return SecondFactorErrors.CodeNotAccepted(result);
            }

            await signIn.SignInWithClaimsAsync(user, isPersistent: false, [new Claim("amr", "pwd"), new Claim("amr", "otp")]);
            var now = clock.GetUtcNow();
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(set => set.SetProperty(u => u.LastSignInAt, now), token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Login, AuditOutcome.Success, "Session", Details: "second factor: authenticator code", Actor: actor), token);
            return Result<SignedIn>.Success(new SignedIn(user.Id, roles, user.MustChangePassword));
        }, ct);
    }
}
