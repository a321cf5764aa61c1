using HimPortal.Application.Accounts.RequestPasswordReset;
using HimPortal.Application.Common.Mail;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace HimPortal.Portal.Pages.Account;

/// <summary>"Forgot your password?" in the portal: the account lifecycle's reset by e-mail; the link names the portal's address.</summary>
public sealed class ForgotPasswordModel(RequestPasswordResetHandler handler, IOptions<MailOptions> mail) : PageModel
{
    [BindProperty]
    public string Email { get; set; } = "";

    public bool Sent { get; private set; }

    public bool Available => mail.Value.IsConfigured;

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? Redirect("/") : Page();

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
