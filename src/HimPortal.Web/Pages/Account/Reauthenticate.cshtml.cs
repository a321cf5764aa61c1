using HimPortal.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Account;

/// <summary>
/// Sign in again before an act that must be the person's own (signing in chart completion): for staff who sign in through
/// the hospital's provider, a round trip with prompt=login whose auth_time is checked on return (ProviderCallback).
/// </summary>
public sealed class ReauthenticateModel : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public IActionResult OnGet()
    {
        var returnUrl = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/";
        if (User.FindFirst("idp")?.Value != ProviderSignIn.Scheme)
        {
            // A local account confirms with its password on the page that needs it.
            return LocalRedirect(returnUrl);
        }

        var properties = new AuthenticationProperties { RedirectUri = Url.Page("/Account/ProviderCallback", new { returnUrl, reauthenticate = true }) };
        properties.Items[ProviderSignIn.ReauthenticateItem] = "1";
        return Challenge(properties, ProviderSignIn.Scheme);
    }
}
