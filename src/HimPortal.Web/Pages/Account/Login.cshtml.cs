using HimPortal.Application.Accounts.SignIn;
using HimPortal.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace HimPortal.Web.Pages.Account;

public sealed class LoginModel(SignInHandler handler, IOptions<IdentityOptions> identity) : PageModel
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

    public int MaxFailures => identity.Value.Lockout.MaxFailedAccessAttempts;

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

        return LocalRedirect(SafeReturnUrl());
    }

    /// <summary>Only a local path: an open redirect after sign-in is a phishing aid.</summary>
    private string SafeReturnUrl() => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/";
}
