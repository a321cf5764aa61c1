using HimPortal.Application.Access;
using HimPortal.Application.Access.Identity;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;

namespace HimPortal.Application.Accounts.SecondFactor;

public sealed record EnrolAuthenticatorCommand(string Code);

/// <summary>
/// Turns the second factor on once the user proves their app has the key: a current code, accepted once
/// (<see cref="TotpVerifier"/>: throttled, never the same code twice). Audited; the page then signs the user out, and every
/// later sign-in asks for a code (NIST SP 800-63B 5.1.4, single-factor OTP device as the second factor).
/// </summary>
[RequiresPermission(Permissions.SignedIn)]
public sealed class EnrolAuthenticatorHandler(
    PermissionCheck permissions,
    HimDbContext db,
    UserManager<HimUser> users,
    TotpVerifier totp,
    AccessAudit audit,
    IAuditActorAccessor actors) : Handler<EnrolAuthenticatorCommand, Result<bool>>(permissions)
{
    protected override async Task<Result<bool>> ExecuteAsync(EnrolAuthenticatorCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var userId = actors.Current.UserId ?? throw new InvalidOperationException("A signed-in user enrols their authenticator.");
        return await db.InTransactionAsync<Result<bool>>(async token =>
        {
            var user = await users.FindByIdAsync(userId.ToString());
            var key = user is null ? null : await users.GetAuthenticatorKeyAsync(user);
            if (user is null || string.IsNullOrEmpty(key))
            {
                return Error.NotFound("Open the set-up page first: it makes the key for your app.");
            }

            var result = await totp.VerifyAsync(user.Id, Authenticator.SecretOf(key), command.Code, token);
            if (result != TotpResult.Accepted)
            {
                await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Denied, "SecondFactor", user.Id.ToString(),
                    Purpose: "authenticator enrolment refused: " + result.ToString().ToLowerInvariant()), token);
                return SecondFactorErrors.CodeNotAccepted(result);
            }

            await users.SetTwoFactorEnabledAsync(user, true);
            await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "SecondFactor", user.Id.ToString(),
                Purpose: "authenticator enrolled"), token);
            return Result<bool>.Success(true);
        }, ct);
    }
}

public static class SecondFactorErrors
{
    public static Error CodeNotAccepted(TotpResult result) => new(ErrorKind.Invalid, "second-factor.code", result == TotpResult.Throttled
        ? "Too many codes tried just now. Wait a few minutes and try the code your app shows then."
        : "That code is not right, or was used already. Enter the code your app shows now.", "Code");

    public static Error RecoveryCodeNotAccepted => new(ErrorKind.Invalid, "second-factor.recovery-code",
        "That recovery code is not right, or was used already. Each recovery code works once.", "Code");
}

public sealed record MakeRecoveryCodesCommand;

/// <summary>
/// A new set of recovery codes for the signed-in account, which must have its authenticator enrolled; the old set stops
/// working. The codes are returned to be shown once; only their hashes are kept (<see cref="RecoveryCodes"/>). Audited.
/// </summary>
[RequiresPermission(Permissions.SignedIn)]
public sealed class MakeRecoveryCodesHandler(
    PermissionCheck permissions,
    HimDbContext db,
    UserManager<HimUser> users,
    RecoveryCodes recovery,
    AccessAudit audit,
    IAuditActorAccessor actors) : Handler<MakeRecoveryCodesCommand, Result<IReadOnlyList<string>>>(permissions)
{
    protected override async Task<Result<IReadOnlyList<string>>> ExecuteAsync(MakeRecoveryCodesCommand command, CancellationToken ct)
    {
        var userId = actors.Current.UserId ?? throw new InvalidOperationException("A signed-in user makes their recovery codes.");
        return await db.InTransactionAsync<Result<IReadOnlyList<string>>>(async token =>
        {
            var user = await users.FindByIdAsync(userId.ToString());
            if (user is null || !user.TwoFactorEnabled)
            {
                return Error.Invalid("Set up your authenticator app first: recovery codes stand in for it.");
            }

            var codes = await recovery.ReplaceAsync(user);
            await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "SecondFactor", user.Id.ToString(),
                Purpose: $"{codes.Count} new recovery codes made; older ones void"), token);
            return Result<IReadOnlyList<string>>.Success(codes);
        }, ct);
    }
}
