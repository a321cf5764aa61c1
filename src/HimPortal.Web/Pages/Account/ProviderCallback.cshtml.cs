using HimPortal.Application.Accounts.SignInWithProvider;
using HimPortal.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace HimPortal.Web.Pages.Account;

/// <summary>Where the identity provider's sign-in ends: its answer (in the external cookie) becomes a HimPortal session.</summary>
public sealed class ProviderCallbackModel(SignInWithProviderHandler handler, IOptions<ProviderSignInOptions> options) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>The round trip was a re-authentication: the provider's auth_time must be fresh, or nothing changes.</summary>
    [BindProperty(SupportsGet = true)]
    public bool Reauthenticate { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var external = await HttpContext.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await HttpContext.SignOutAsync(IdentityConstants.ExternalScheme);
        if (!external.Succeeded || external.Principal.FindFirst("sub")?.Value is not { Length: > 0 } subject)
        {
            return RedirectToPage("/Account/Login");
        }

        var claims = external.Principal;
        DateTimeOffset? authenticatedAt = long.TryParse(claims.FindFirst("auth_time")?.Value, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
        if (Reauthenticate && (authenticatedAt is not { } at || at < DateTimeOffset.UtcNow - ProviderSignIn.FreshAuthentication))
        {
            // A provider that skipped prompt=login (an old sign-in reused) does not count as signing in again. The wall
            // clock, not the application's: auth_time is the provider's.
            ModelState.AddModelError(string.Empty, "The hospital's sign-in did not ask for your credentials again. Try again.");
            return Page();
        }

        var identity = new ProviderIdentity(ProviderSignIn.Scheme, subject, claims.FindFirst("email")?.Value, claims.FindFirst("name")?.Value,
            [.. claims.FindAll(options.Value.GroupsClaim).Select(c => c.Value)], authenticatedAt);
        var result = await handler.HandleAsync(new SignInWithProviderCommand(identity), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
