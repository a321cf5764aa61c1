using System.Security.Cryptography;
using System.Text;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Access.Identity;

/// <summary>What a reset link's token turned out to be.</summary>
public enum ResetTokenState
{
    Valid,
    Unknown,
    Used,

    /// <summary>A newer link was sent, or the password changed another way, before this one was used.</summary>
    Replaced,
    Expired,
}

public sealed record ResetTokenLookup(ResetTokenState State, Guid? TokenId, Guid? UserId);

/// <summary>
/// Self-service password-reset tokens (identity.password_reset_tokens): 256 random bits sent in a link, kept only as a
/// SHA-256 hash, valid once and for a short time, and only the newest of a user's links works (OWASP Forgot Password
/// Cheat Sheet). Every method works in the caller's transaction.
/// </summary>
public sealed class PasswordResetTokens(HimDbContext db, TimeProvider clock)
{
    /// <summary>A new token for <paramref name="userId"/>, valid for <paramref name="lifetime"/>; the user's older open links stop working.</summary>
    public async Task<(Guid Id, string Token, DateTimeOffset ExpiresAt)> IssueAsync(Guid userId, TimeSpan lifetime, CancellationToken ct)
    {
        await RevokeAllAsync(userId, ct);
        var now = clock.GetUtcNow();
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var row = new PasswordResetToken
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            TokenHash = Hash(token),
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        db.PasswordResetTokens.Add(row);
        await db.SaveChangesAsync(ct);
        db.Entry(row).State = EntityState.Detached;
        return (row.Id, token, row.ExpiresAt);
    }

    /// <summary>What <paramref name="token"/> is, without spending it.</summary>
    public async Task<ResetTokenLookup> FindAsync(string token, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 100)
        {
            return new(ResetTokenState.Unknown, null, null);
        }

        var hash = Hash(token.Trim());
        var row = await db.PasswordResetTokens.AsNoTracking().Where(t => t.TokenHash == hash)
            .Select(t => new { t.Id, t.UserId, t.UsedAt, t.RevokedAt, t.ExpiresAt })
            .SingleOrDefaultAsync(ct);
        if (row is null)
        {
            return new(ResetTokenState.Unknown, null, null);
        }

        var state = row.UsedAt is not null ? ResetTokenState.Used
            : row.RevokedAt is not null ? ResetTokenState.Replaced
            : row.ExpiresAt <= clock.GetUtcNow() ? ResetTokenState.Expired
            : ResetTokenState.Valid;
        return new(state, row.Id, row.UserId);
    }

    /// <summary>
    /// Spends the token: true once, for the one caller whose conditional update took it while it was still open and
    /// unexpired. Of two requests racing with one link, the row lock lets exactly one through.
    /// </summary>
    public async Task<bool> TrySpendAsync(Guid tokenId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return await db.PasswordResetTokens
            .Where(t => t.Id == tokenId && t.UsedAt == null && t.RevokedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.UsedAt, now), ct) == 1;
    }

    /// <summary>Makes every open link of the user worthless (a newer link, or the password changed another way).</summary>
    public Task<int> RevokeAllAsync(Guid userId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.PasswordResetTokens.Where(t => t.UserId == userId && t.UsedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now), ct);
    }

    internal static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes("password-reset\n" + token));
}
