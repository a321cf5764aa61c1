using HimPortal.Application.Accounts.SignIn;
using HimPortal.Application.Common.Mail;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace HimPortal.Web.Pages.Account;

public sealed class LoginModel(SignInHandler handler, IOptions<MailOptions> mail, Microsoft.AspNetCore.DataProtection.IDataProtectionProvider protection,
    IOptions<HimPortal.Application.Accounts.SignInWithProvider.ProviderSignInOptions> provider) : PageModel
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

    /// <summary>Set by the sign-out's redirect, so that the person sees that it worked (a shared workstation's next user too).</summary>
    [BindProperty(SupportsGet = true)]
    public bool SignedOut { get; set; }

    /// <summary>Whether "Forgot your password?" can mail a link (a mail server is configured).</summary>
    public bool CanResetByMail => mail.Value.IsConfigured;

    /// <summary>Arrived from a reset link that set a new password.</summary>
    [BindProperty(SupportsGet = true)]
    public bool Reset { get; set; }

    /// <summary>Set by the authenticator set-up's redirect: sign in again, now with a code.</summary>
    [BindProperty(SupportsGet = true)]
    public bool SecondFactorEnrolled { get; set; }

    public IActionResult OnGet() =>
        User.Identity?.IsAuthenticated == true ? LocalRedirect(SafeReturnUrl()) : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await handler.HandleAsync(new SignInCommand(Input.Email, Input.Password), ct);
        if (!result.IsSuccess)
        {
            Input.Password = "";
            return this.Refuse(result.Error!, Page);
        }

        if (result.Value!.SecondFactorRequired)
        {
            return SignInCodeModel.Begin(this, protection, result.Value.UserId, SafeReturnUrl());
        }

        // An issued password: the change page first (the gate would send the user there anyway), then where they were going.
        return result.Value!.MustChangePassword
            ? RedirectToPage("/Account/ChangePassword", new { returnUrl = SafeReturnUrl() })
            : LocalRedirect(SafeReturnUrl());
    }

    /// <summary>The hospital's identity provider, when one is configured (Oidc).</summary>
    public HimPortal.Application.Accounts.SignInWithProvider.ProviderSignInOptions Provider => provider.Value;

    public IActionResult OnPostProvider() => Provider.Enabled
        ? Challenge(new Microsoft.AspNetCore.Authentication.AuthenticationProperties
        {
            RedirectUri = Url.Page("/Account/ProviderCallback", new { returnUrl = SafeReturnUrl() }),
        }, Security.ProviderSignIn.Scheme)
        : RedirectToPage();

    /// <summary>Only a local path: an open redirect after sign-in is a phishing aid.</summary>
    private string SafeReturnUrl() => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/";
}
