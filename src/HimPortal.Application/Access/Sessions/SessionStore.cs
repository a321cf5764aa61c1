using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Access.Sessions;

/// <summary>A stored session as the web's cookie handler needs it: the serialized ticket and when it was last used.</summary>
public sealed record StoredSession(byte[] Ticket, DateTimeOffset LastSeenAt, DateTimeOffset ExpiresAt);

/// <summary>
/// Keeps sign-in sessions in PostgreSQL (docs/adr/0005-server-side-sessions.md): the cookie carries only the session id,
/// which gives a server-side idle timeout and absolute lifetime and lets an administrator end a user's sessions at once.
/// Used from a request's scope, so a session begun by a sign-in commits with that sign-in's audit row.
/// </summary>
public sealed class SessionStore(HimDbContext db, AccessAudit audit, TimeProvider clock)
{
    public async Task<Guid> StartAsync(Guid userId, byte[] ticket, TimeSpan lifetime, string? clientIp, string? userAgent, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var session = new UserSession
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            Ticket = ticket,
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + lifetime,
            ClientIp = clientIp,
            UserAgent = userAgent is { Length: > 512 } ? userAgent[..512] : userAgent,
        };
        db.UserSessions.Add(session);
        await db.SaveChangesAsync(ct);
        db.Entry(session).State = EntityState.Detached;
        return session.Id;
    }

    public Task RenewAsync(Guid id, byte[] ticket, CancellationToken ct) =>
        db.UserSessions.Where(s => s.Id == id && s.EndedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.Ticket, ticket), ct);

    /// <summary>The open session, or null when there is none (ended, or never was).</summary>
    public Task<StoredSession?> FindOpenAsync(Guid id, CancellationToken ct) =>
        db.UserSessions.AsNoTracking().Where(s => s.Id == id && s.EndedAt == null)
            .Select(s => new StoredSession(s.Ticket, s.LastSeenAt, s.ExpiresAt))
            .SingleOrDefaultAsync(ct);

    public Task TouchAsync(Guid id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.UserSessions.Where(s => s.Id == id).ExecuteUpdateAsync(set => set.SetProperty(s => s.LastSeenAt, now), ct);
    }

    public Task RemoveAsync(Guid id, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.UserSessions.Where(s => s.Id == id && s.EndedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.EndedAt, now).SetProperty(s => s.EndReason, SessionEndReason.SignedOut), ct);
    }

    /// <summary>
    /// Ends an expired session and audits its end as <paramref name="actor"/>, once: the conditional update makes
    /// concurrent requests race safely (only the one that ended it writes the row).
    /// </summary>
    public Task EndAsync(Guid id, string reason, AuditActor? actor, CancellationToken ct) =>
        db.InTransactionAsync(async token =>
        {
            var now = clock.GetUtcNow();
            var ended = await db.UserSessions.Where(s => s.Id == id && s.EndedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(s => s.EndedAt, now).SetProperty(s => s.EndReason, reason), token);
            if (ended == 1 && actor is not null)
            {
                await audit.RecordAsync(new AuditRecord(AuditAction.Logout, AuditOutcome.Success, "Session", Purpose: reason, Actor: actor), token);
            }

            return ended;
        }, ct);
}
