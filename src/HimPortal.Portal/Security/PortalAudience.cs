using System.Security.Claims;

namespace HimPortal.Portal.Security;

/// <summary>
/// The portal admits patient accounts only: a session whose roles are anything but Patient alone (a staff account, or
/// one that holds both) is ended and refused, so no staff account is usable through the internet-facing host. Sign-in
/// refuses such accounts first; this is the second wall (<see cref="AudienceWall"/>).
/// </summary>
public static class PortalAudience
{
    public static bool Admits(ClaimsPrincipal user) => Audiences.Patient(user);

    public static IApplicationBuilder UsePortalAudience(this IApplicationBuilder app) =>
        app.UseMiddleware<AudienceWall>((Func<ClaimsPrincipal, bool>)Admits, "patient portal");
}
