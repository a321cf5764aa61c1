using HimPortal.Application.Accounts.SignIn;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Portal.Pages.Account;

public sealed class LoginModel(SignInHandler handler, IDataProtectionProvider protection) : PageModel
{
    public sealed class InputModel
    {
        public string Email { get; set; } = "";

        public string Password { get; set; } = "";
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool SignedOut { get; set; }

    /// <summary>Back from creating the account (/Account/Activate).</summary>
    [BindProperty(SupportsGet = true)]
    public bool Activated { get; set; }

    /// <summary>Back from a password reset by e-mail.</summary>
    [BindProperty(SupportsGet = true)]
    public bool Reset { get; set; }

    public IActionResult OnGet() =>
        User.Identity?.IsAuthenticated == true ? LocalRedirect(SafeReturnUrl()) : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await handler.HandleAsync(new SignInCommand(Input.Email, Input.Password, SignInAudience.Portal), ct);
        if (!result.IsSuccess)
        {
            Input.Password = "";
            return this.Refuse(result.Error!, Page);
        }

        if (result.Value!.SecondFactorRequired)
        {
            PendingSecondFactor.Remember(HttpContext, protection, result.Value.UserId);
            return RedirectToPage("/Account/SignInCode", new { returnUrl = SafeReturnUrl() });
        }

        return LocalRedirect(SafeReturnUrl());
    }

    /// <summary>Only a local path: an open redirect after sign-in is a phishing aid.</summary>
    private string SafeReturnUrl() => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/";
}
