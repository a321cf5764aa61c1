using System.Security.Claims;
using HimPortal.Application.Accounts;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HimPortal.Web.Security;

/// <summary>
/// Keeps sign-in sessions in PostgreSQL; the cookie carries only the session id. That gives a server-side idle timeout and
/// absolute lifetime, and lets an administrator end a user's sessions at once (docs/adr/0005-server-side-sessions.md).
/// Inside a request it uses the request's DbContext, so a session begun by a sign-in commits with that sign-in's audit row.
/// </summary>
public sealed class DatabaseTicketStore(
    IServiceScopeFactory scopes,
    IHttpContextAccessor http,
    TimeProvider clock,
    IOptionsMonitor<SessionLimits> options) : ITicketStore
{
    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var now = clock.GetUtcNow();
        var settings = options.CurrentValue;
        var context = http.HttpContext;
        var session = new UserSession
        {
            Id = Guid.CreateVersion7(now),
            UserId = Guid.Parse(ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier)!),
            Ticket = TicketSerializer.Default.Serialize(ticket),
            CreatedAt = now,
            LastSeenAt = now,
            ExpiresAt = now + settings.AbsoluteLifetime,
            ClientIp = context?.Connection.RemoteIpAddress?.ToString(),
            UserAgent = Clip(context?.Request.Headers.UserAgent.ToString(), 512),
        };

        await UseDbAsync(async db =>
        {
            db.UserSessions.Add(session);
            await db.SaveChangesAsync();
            db.Entry(session).State = EntityState.Detached;
        });
        return session.Id.ToString("N");
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (!Guid.TryParseExact(key, "N", out var id))
        {
            return Task.CompletedTask;
        }

        var bytes = TicketSerializer.Default.Serialize(ticket);
        return UseDbAsync(db => db.UserSessions.Where(s => s.Id == id && s.EndedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.Ticket, bytes)));
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        if (!Guid.TryParseExact(key, "N", out var id))
        {
            return null;
        }

        AuthenticationTicket? result = null;
        await UseDbAsync(async db =>
        {
            var session = await db.UserSessions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id);
            if (session is null || session.EndedAt is not null)
            {
                return;
            }

            var now = clock.GetUtcNow();
            var settings = options.CurrentValue;
            var ticket = TicketSerializer.Default.Deserialize(session.Ticket);
            var expiredBecause = now >= session.ExpiresAt ? SessionEndReason.LifetimeExceeded
                : now - session.LastSeenAt >= settings.IdleTimeout ? SessionEndReason.IdleTimeout
                : null;
            if (expiredBecause is not null || ticket is null)
            {
                await EndAsync(db, session, ticket, expiredBecause ?? SessionEndReason.SignedOut, now);
                return;
            }

            if (now - session.LastSeenAt >= settings.ActivityWriteInterval)
            {
                await db.UserSessions.Where(s => s.Id == id).ExecuteUpdateAsync(set => set.SetProperty(s => s.LastSeenAt, now));
            }

            result = ticket;
        });
        return result;
    }

    public Task RemoveAsync(string key)
    {
        if (!Guid.TryParseExact(key, "N", out var id))
        {
            return Task.CompletedTask;
        }

        var now = clock.GetUtcNow();
        return UseDbAsync(db => db.UserSessions.Where(s => s.Id == id && s.EndedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.EndedAt, now).SetProperty(s => s.EndReason, SessionEndReason.SignedOut)));
    }

    /// <summary>An expired session is ended and its end audited, once: the conditional update makes concurrent requests race safely.</summary>
    private async Task EndAsync(HimDbContext db, UserSession session, AuthenticationTicket? ticket, string reason, DateTimeOffset now)
    {
        var audit = (http.HttpContext?.RequestServices ?? throw new InvalidOperationException("No request.")).GetRequiredService<AccessAudit>();
        await db.InTransactionAsync(async token =>
        {
            var ended = await db.UserSessions.Where(s => s.Id == session.Id && s.EndedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(s => s.EndedAt, now).SetProperty(s => s.EndReason, reason), token);
            if (ended == 1 && ticket is not null)
            {
                var actor = HttpAuditActorAccessor.FromRequest(http.HttpContext!, ticket.Principal);
                await audit.RecordAsync(new AuditRecord(AuditAction.Logout, AuditOutcome.Success, "Session", Purpose: reason, Actor: actor), token);
            }

            return ended;
        }, CancellationToken.None);
    }

    private async Task UseDbAsync(Func<HimDbContext, Task> work)
    {
        if (http.HttpContext?.RequestServices.GetService<HimDbContext>() is { } requestDb)
        {
            await work(requestDb);
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<HimDbContext>());
    }

    private static string? Clip(string? value, int max) =>
        string.IsNullOrEmpty(value) ? null : value.Length > max ? value[..max] : value;
}

/// <summary>Binds the cookie handler to <see cref="DatabaseTicketStore"/> and to the session limits.</summary>
public sealed class SessionCookieSetup(DatabaseTicketStore store, IOptions<SessionLimits> sessions, IConfiguration configuration)
    : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (name != Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme)
        {
            return;
        }

        options.SessionStore = store;
        options.ExpireTimeSpan = sessions.Value.AbsoluteLifetime;
        options.SlidingExpiration = false;
        options.LoginPath = "/Account/Login";
        options.LogoutPath = "/Account/Logout";
        options.AccessDeniedPath = "/Account/AccessDenied";
        options.Cookie.Name = "himportal.session";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.SecurePolicy = configuration.GetValue("Security:RequireHttps", true)
            ? CookieSecurePolicy.Always
            : CookieSecurePolicy.SameAsRequest;
    }
}
