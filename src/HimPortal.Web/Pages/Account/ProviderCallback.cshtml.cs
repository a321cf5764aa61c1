using HimPortal.Application.Accounts.SignInWithProvider;
using HimPortal.Web.Infrastructure;
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
