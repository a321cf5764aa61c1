using HimPortal.Application.Accounts.SignIn;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Account;

/// <summary>
/// The second step of signing in: the authenticator code. Whose password was just accepted travels in a short-lived
/// protected cookie (<see cref="PendingSecondFactor"/>).
/// </summary>
public sealed class SignInCodeModel(CompleteSignInHandler handler, IDataProtectionProvider protection) : PageModel
{
    [BindProperty]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>Called by the sign-in page once the password was right: remembers whose it was, and sends the browser here.</summary>
    public static IActionResult Begin(PageModel page, IDataProtectionProvider protection, Guid userId, string returnUrl)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(protection);
        PendingSecondFactor.Remember(page.HttpContext, protection, userId);
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

        PendingSecondFactor.Forget(HttpContext);
        var returnUrl = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/";
        return result.Value!.MustChangePassword
            ? RedirectToPage("/Account/ChangePassword", new { returnUrl })
            : LocalRedirect(returnUrl);
    }

    private Guid? PendingUser() => PendingSecondFactor.User(HttpContext, protection);
}
