using HimPortal.Application.Accounts.ResetForgottenPassword;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace HimPortal.Portal.Pages.Account;

/// <summary>
/// Where the e-mailed link lands: the token comes in the address and goes back in the form. The request log records
/// paths only and the page sends no referrer, so the token leaves no copy behind.
/// </summary>
public sealed class ResetPasswordModel(ResetForgottenPasswordHandler handler, IOptions<IdentityOptions> identity) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Token { get; set; } = "";

    [BindProperty]
    public string NewPassword { get; set; } = "";

    [BindProperty]
    public string ConfirmPassword { get; set; } = "";

    public int MinimumLength => identity.Value.Password.RequiredLength;

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? Redirect("/") : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await handler.HandleAsync(new ResetForgottenPasswordCommand(Token, NewPassword, ConfirmPassword), ct);
        NewPassword = ConfirmPassword = "";
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        return RedirectToPage("/Account/Login", new { reset = true });
    }
}
