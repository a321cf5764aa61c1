using System.Security.Claims;
using HimPortal.Application.Access.Sessions;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;

namespace HimPortal.Hosting;

/// <summary>Which accounts a host admits (issue 19 item 1): the portal Patient-only accounts, the staff app none holding Patient.</summary>
public static class Audiences
{
    public static bool Patient(ClaimsPrincipal user) => RolesOf(user) is [HimPortal.Application.Access.Roles.Patient];

    public static bool Staff(ClaimsPrincipal user) => !RolesOf(user).Contains(HimPortal.Application.Access.Roles.Patient);

    private static List<string> RolesOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return [.. user.FindAll(ClaimTypes.Role).Select(c => c.Value).Distinct(StringComparer.Ordinal)];
    }
}

/// <summary>
/// The second wall between the hosts, after sign-in's own check: a session of an account this host does not admit is
/// ended and answered 403 (a cookie carried over, or roles changed since the sign-in). The session ends server-side as
/// "wrong-host" with a logout row in the access audit as the account (45 CFR 164.312(b): who used which host), and the
/// log names the account by id only.
/// </summary>
public sealed class AudienceWall(RequestDelegate next, ILogger<AudienceWall> logger, Func<ClaimsPrincipal, bool> admits, string host)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User.Identity?.IsAuthenticated == true && !admits(context.User))
        {
            logger.LogWarning("A session of an account the {Host} does not admit was ended (user {UserId})", host,
                context.User.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "-");
            if (context.Items.TryGetValue(HttpCurrentSession.ItemKey, out var found) && found is Guid session)
            {
                await context.RequestServices.GetRequiredService<SessionStore>().EndAsync(session, SessionEndReason.WrongHost,
                    HttpAuditActorAccessor.FromRequest(context, context.User), context.RequestAborted);
            }

            // Clears the cookie (the session is already ended above, so the store's own sign-out changes nothing more).
            await context.RequestServices.GetRequiredService<SignInManager<HimUser>>().SignOutAsync();
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        await next(context);
    }
}
