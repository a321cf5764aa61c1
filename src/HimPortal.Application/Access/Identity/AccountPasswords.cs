using HimPortal.Application.Access.Sessions;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;

namespace HimPortal.Application.Access.Identity;

/// <summary>What setting a password did: Identity's answer (a concurrent change fails it) and how many sessions ended.</summary>
public sealed record PasswordReplaced(IdentityResult Result, int SessionsEnded);

/// <summary>
/// The one way a password is set after an account exists, whoever sets it (its user, an administrator, a reset link):
/// checked against the password policy (NIST SP 800-63B, <see cref="NistPasswordValidator"/>), stored as Identity's
/// hash with a new security stamp, every open reset link revoked, and every session of the user ended but the one the
/// user changed their own password in, all in the caller's transaction. That session's ticket is then refreshed by the
/// caller (the new security stamp, no must-change mark).
/// </summary>
public sealed class AccountPasswords(UserManager<HimUser> users, UserSessions sessions, PasswordResetTokens tokens, TimeProvider clock)
{
    /// <summary>What is wrong with <paramref name="password"/> for <paramref name="user"/> (empty when it may be used), before anything is written.</summary>
    public async Task<IReadOnlyList<string>> ProblemsAsync(HimUser user, string password)
    {
        ArgumentNullException.ThrowIfNull(user);
        var problems = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            problems.AddRange(result.Errors.Select(e => e.Description));
        }

        return problems.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Sets <paramref name="password"/> (already checked with <see cref="ProblemsAsync"/>). <paramref name="mustChange"/>: the
    /// password was issued by an administrator, so the user must choose their own at the next sign-in. A lockout after
    /// failed sign-ins is lifted (the person has proved who they are another way); an administrator's lock stays.
    /// <paramref name="keepSession"/>: the session that goes on (the user's own, when they change their password); the
    /// others end.
    /// </summary>
    public async Task<PasswordReplaced> ReplaceAsync(HimUser user, string password, bool mustChange, string endReason, CancellationToken ct,
        Guid? keepSession = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = clock.GetUtcNow();
        user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
        user.MustChangePassword = mustChange;
        user.PasswordChangedAt = now;
        if (!IsLockedByAdministrator(user, now))
        {
            user.LockoutEnd = null;
            user.AccessFailedCount = 0;
        }

        // A new security stamp: anything issued against the old password (Identity's own tokens, a ticket) is void.
        var result = await users.UpdateSecurityStampAsync(user);
        if (!result.Succeeded)
        {
            return new PasswordReplaced(result, 0);
        }

        await tokens.RevokeAllAsync(user.Id, ct);
        return new PasswordReplaced(result, await sessions.EndAllAsync(user.Id, endReason, ct, except: keepSession));
    }

    /// <summary>
    /// Locked until an administrator unlocks it (LockUser sets the end to the end of time), as against the few minutes of
    /// a lockout after failed sign-ins.
    /// </summary>
    public static bool IsLockedByAdministrator(HimUser user, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.LockoutEnd is { } end && end > now.AddYears(100);
    }
}
