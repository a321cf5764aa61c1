using System.Security.Claims;
using HimPortal.Application.Access.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace HimPortal.Hosting;

/// <summary>
/// The cookie handler's session store: the cookie carries only the session id, the session lives in PostgreSQL
/// (<see cref="SessionStore"/>, docs/adr/0005-server-side-sessions.md). Inside a request it uses the request's scope, so a
/// session begun by a sign-in commits with that sign-in's audit row; here only the ticket's serialization and the limits.
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
        var context = http.HttpContext;
        var userId = Guid.Parse(ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier)!);
        var id = Guid.Empty;
        await UseStoreAsync(async store => id = await store.StartAsync(userId, TicketSerializer.Default.Serialize(ticket),
            options.CurrentValue.AbsoluteLifetime, context?.Connection.RemoteIpAddress?.ToString(),
            context?.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null, CancellationToken.None));
        if (context is not null)
        {
            context.Items[HttpCurrentSession.ItemKey] = id;
        }

        return id.ToString("N");
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return Guid.TryParseExact(key, "N", out var id)
            ? UseStoreAsync(store => store.RenewAsync(id, TicketSerializer.Default.Serialize(ticket), CancellationToken.None))
            : Task.CompletedTask;
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        if (!Guid.TryParseExact(key, "N", out var id))
        {
            return null;
        }

        AuthenticationTicket? result = null;
        await UseStoreAsync(async store =>
        {
            if (await store.FindOpenAsync(id, CancellationToken.None) is not { } session)
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
                var actor = ticket is not null && http.HttpContext is { } request ? HttpAuditActorAccessor.FromRequest(request, ticket.Principal) : null;
                await store.EndAsync(id, expiredBecause ?? SessionEndReason.SignedOut, actor, CancellationToken.None);
                return;
            }

            if (now - session.LastSeenAt >= settings.ActivityWriteInterval)
            {
                await store.TouchAsync(id, CancellationToken.None);
            }

            result = ticket;
            if (http.HttpContext is { } current)
            {
                current.Items[HttpCurrentSession.ItemKey] = id;
            }
        });
        return result;
    }

    public Task RemoveAsync(string key) =>
        Guid.TryParseExact(key, "N", out var id) ? UseStoreAsync(store => store.RemoveAsync(id, CancellationToken.None)) : Task.CompletedTask;

    private async Task UseStoreAsync(Func<SessionStore, Task> work)
    {
        if (http.HttpContext?.RequestServices.GetService<SessionStore>() is { } requestStore)
        {
            await work(requestStore);
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<SessionStore>());
    }
}

/// <summary>Binds the cookie handler to <see cref="DatabaseTicketStore"/> and to the session limits.</summary>
public sealed class SessionCookieSetup(DatabaseTicketStore store, IOptions<SessionLimits> sessions, IOptions<SecurityOptions> security)
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
        options.Cookie.SecurePolicy = security.Value.RequireHttps
            ? CookieSecurePolicy.Always
            : CookieSecurePolicy.SameAsRequest;
    }
}
