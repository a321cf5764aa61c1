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
}

/// <summary>Ends a user's server-side sessions, in the caller's transaction, so the change and the sign-out land together.</summary>
public sealed class UserSessions(HimDbContext db, TimeProvider clock)
{
    public Task<int> EndAllAsync(Guid userId, string reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.UserSessions
            .Where(s => s.UserId == userId && s.EndedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.EndedAt, now).SetProperty(s => s.EndReason, reason), ct);
    }
}
