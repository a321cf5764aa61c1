using HimPortal.Application.Accounts.RequestPasswordReset;
using HimPortal.Application.Common.Mail;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace HimPortal.Web.Pages.Account;

/// <summary>"Forgot your password?": one answer whether or not the address has an account (the handler makes it so).</summary>
public sealed class ForgotPasswordModel(RequestPasswordResetHandler handler, IOptions<MailOptions> mail) : PageModel
{
    [BindProperty]
    public string Email { get; set; } = "";

    public bool Sent { get; private set; }

    public bool Available => mail.Value.IsConfigured;

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? RedirectToPage("/Account/ChangePassword") : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await handler.HandleAsync(new RequestPasswordResetCommand(Email), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        Sent = true;
        return Page();
    }
}
