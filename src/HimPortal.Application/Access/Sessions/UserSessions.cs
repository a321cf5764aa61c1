using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Access.Sessions;

public static class SessionEndReason
{
    public const string SignedOut = "signed-out";
    public const string IdleTimeout = "idle-timeout";
    public const string LifetimeExceeded = "lifetime-exceeded";
    public const string AccountLocked = "account-locked";
    public const string RolesChanged = "roles-changed";
    public const string PasswordChanged = "password-changed";
    public const string PasswordReset = "password-reset";

    /// <summary>Ended by the host it was used in, which does not admit the account (a patient's session in the staff app, or staff in the portal).</summary>
    public const string WrongHost = "wrong-host";
}

/// <summary>Ends a user's server-side sessions, in the caller's transaction, so the change and the sign-out land together.</summary>
public sealed class UserSessions(HimDbContext db, TimeProvider clock)
{
    /// <param name="except">A session that goes on (the one the user changed their own password in); null: every one ends.</param>
    public Task<int> EndAllAsync(Guid userId, string reason, CancellationToken ct, Guid? except = null)
    {
        var now = clock.GetUtcNow();
        return db.UserSessions
            .Where(s => s.UserId == userId && s.EndedAt == null && (except == null || s.Id != except))
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.EndedAt, now).SetProperty(s => s.EndReason, reason), ct);
    }
}
