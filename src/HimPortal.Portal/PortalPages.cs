using HimPortal.Application.Access;
using Microsoft.AspNetCore.Mvc.ApplicationModels;

namespace HimPortal.Portal;

/// <summary>The portal's pages: every page is the patient's own (Portal.Self) unless it is one of the few open ones.</summary>
public static class PortalPages
{
    public static void AddFolderPolicies(PageConventionCollection conventions)
    {
        ArgumentNullException.ThrowIfNull(conventions);
        // Deny by default: the whole portal needs a patient's session, the sign-in and error pages excepted.
        conventions.AuthorizeFolder("/", Permissions.PortalSelf);
        conventions.AllowAnonymousToPage("/Account/Login");
        conventions.AllowAnonymousToPage("/Account/SignInCode");
        conventions.AllowAnonymousToPage("/Account/Activate");
        conventions.AllowAnonymousToPage("/Account/ForgotPassword");
        conventions.AllowAnonymousToPage("/Account/ResetPassword");
        conventions.AllowAnonymousToPage("/Account/AccessDenied");
        conventions.AllowAnonymousToPage("/Error");
    }
}

/// <summary>One link of the portal's navigation.</summary>
public sealed record PortalLink(string Path, string Title, string TestId);

/// <summary>The portal's navigation, in the order a patient looks for things.</summary>
public static class PortalNavigation
{
    public static readonly IReadOnlyList<PortalLink> Links =
    [
        new("/", "Home", "nav-home"),
        new("/People", "Whose record", "nav-people"),
        new("/Record", "My record", "nav-record"),
        new("/Copies", "Copies", "nav-copies"),
        new("/Corrections", "Corrections", "nav-corrections"),
        new("/Accounting", "Who we shared with", "nav-accounting"),
        new("/Access", "Who looked at my record", "nav-access"),
        new("/Account/Authenticator", "Two-step sign-in", "nav-two-step"),
    ];
}
