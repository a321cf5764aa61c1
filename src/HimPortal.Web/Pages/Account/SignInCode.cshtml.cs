using System.Security.Cryptography;
using HimPortal.Application.Accounts.SignIn;
using HimPortal.Web.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Account;

/// <summary>
/// The second step of signing in: the authenticator code. Whose password was just accepted travels in a cookie protected
/// with data protection and good for five minutes, never in the address (<see cref="Begin"/>).
/// </summary>
public sealed class SignInCodeModel(CompleteSignInHandler handler, IDataProtectionProvider protection) : PageModel
{
    public const string CookieName = "himportal.second-factor";
    private const string Purpose = "HimPortal.SignIn.SecondFactor";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    [BindProperty]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Called by the sign-in page once the password was right: remembers whose it was, and sends the browser here.</summary>
    public static IActionResult Begin(PageModel page, IDataProtectionProvider protection, Guid userId, string returnUrl)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(protection);
        var token = protection.CreateProtector(Purpose).ToTimeLimitedDataProtector().Protect(userId.ToString("N"), Lifetime);
        page.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = page.Request.IsHttps, Path = "/Account", MaxAge = Lifetime, IsEssential = true,
        });
        return page.RedirectToPage("/Account/SignInCode", new { returnUrl });
    }

    public IActionResult OnGet() => PendingUser() is null ? RedirectToPage("/Account/Login") : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (PendingUser() is not { } userId)
        {
            return RedirectToPage("/Account/Login");
        }

        var result = await handler.HandleAsync(new CompleteSignInCommand(userId, Code), ct);
        if (!result.IsSuccess)
        {
            Code = "";
            return this.Refuse(result.Error!, Page);
        }

        Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/Account" });
        var returnUrl = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/";
        return result.Value!.MustChangePassword
            ? RedirectToPage("/Account/ChangePassword", new { returnUrl })
            : LocalRedirect(returnUrl);
    }

    private Guid? PendingUser()
    {
        if (!Request.Cookies.TryGetValue(CookieName, out var token) || string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            return Guid.TryParseExact(protection.CreateProtector(Purpose).ToTimeLimitedDataProtector().Unprotect(token), "N", out var id) ? id : null;
        }
        catch (CryptographicException)
        {
            // Expired, or not one of ours: start again at the password.
            return null;
        }
    }
}
