using HimPortal.Application.Accounts.SignIn;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Portal.Pages.Account;

/// <summary>The second step of signing in: the authenticator code (<see cref="PendingSecondFactor"/> says whose password was right).</summary>
public sealed class SignInCodeModel(CompleteSignInHandler handler, IDataProtectionProvider protection) : PageModel
{
    [BindProperty]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public IActionResult OnGet() => PendingSecondFactor.User(HttpContext, protection) is null ? RedirectToPage("/Account/Login") : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (PendingSecondFactor.User(HttpContext, protection) is not { } userId)
        {
            return RedirectToPage("/Account/Login");
        }

        var result = await handler.HandleAsync(new CompleteSignInCommand(userId, Code, SignInAudience.Portal), ct);
        if (!result.IsSuccess)
        {
            Code = "";
            return this.Refuse(result.Error!, Page);
        }

        PendingSecondFactor.Forget(HttpContext);
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
