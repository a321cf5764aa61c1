using System.Security.Claims;
using HimPortal.Application.Audit;

namespace HimPortal.Hosting;

/// <summary>
/// The audit's "who and from where" for a web request: the signed-in user, client address, browser and correlation id;
/// in a background job's scope, the job's actor (<see cref="ActorScope"/>).
/// </summary>
public sealed class HttpAuditActorAccessor(IHttpContextAccessor http, ActorScope scope) : IAuditActorAccessor
{
    public AuditActor Current
    {
        get
        {
            if (scope.Actor is { } runAs)
            {
                return runAs;
            }

            var context = http.HttpContext;
            if (context is null)
            {
                return new AuditActor(null, "system:web", [], null, null, null);
            }

            return FromRequest(context, context.User);
        }
    }

    public static AuditActor FromRequest(HttpContext context, ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(user);
        Guid? userId = Guid.TryParse(user.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
        return new AuditActor(
            userId,
            user.Identity?.IsAuthenticated == true ? user.Identity.Name : null,
            user.FindAll(ClaimTypes.Role).Select(c => c.Value).Order(StringComparer.Ordinal).ToList(),
            context.Connection.RemoteIpAddress?.ToString(),
            context.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : null,
            context.TraceIdentifier);
    }
}
