using System.Security.Claims;
using HimPortal.Application.Access;
using Microsoft.AspNetCore.Identity;

namespace HimPortal.Portal.Security;

/// <summary>
/// The portal admits patient accounts only: a session whose roles are anything but <see cref="Roles.Patient"/> alone (a
/// staff account, or one that holds both) is ended and refused, so no staff account is usable through the internet-facing
/// host. Sign-in refuses such accounts first; this is the second wall.
/// </summary>
public sealed class PortalAudience(RequestDelegate next, ILogger<PortalAudience> logger)
{
    public static bool Admits(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var roles = user.FindAll(ClaimTypes.Role).Select(c => c.Value).Distinct(StringComparer.Ordinal).ToList();
        return roles is [Roles.Patient];
    }

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.User.Identity?.IsAuthenticated == true && !Admits(context.User))
        {
            logger.LogWarning("A session of a non-patient account was refused by the portal (user {UserId})",
                context.User.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "-");
            await context.RequestServices.GetRequiredService<SignInManager<HimPortal.Data.Identity.HimUser>>().SignOutAsync();
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        await next(context);
    }
}
