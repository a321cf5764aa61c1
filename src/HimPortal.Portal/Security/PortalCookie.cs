using Microsoft.AspNetCore.Authentication.Cookies;

namespace HimPortal.Portal.Security;

/// <summary>The portal's session cookie: its own name and pages, set after the shared <see cref="SessionCookieSetup"/>.</summary>
public static class PortalCookie
{
    public const string Name = "himportal.portal";

    public static void Configure(CookieAuthenticationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Cookie.Name = Name;
        options.LoginPath = "/Account/Login";
        options.LogoutPath = "/Account/Logout";
        options.AccessDeniedPath = "/Account/AccessDenied";
    }
}
