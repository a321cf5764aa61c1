using HimPortal.Application.Accounts.SignOut;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Portal.Pages.Account;

/// <summary>Sign-out is a POST with an antiforgery token, so a link on another site cannot sign a patient out.</summary>
public sealed class LogoutModel(SignOutHandler handler) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await handler.HandleAsync(new SignOutCommand(), ct);
        return RedirectToPage("/Account/Login", new { signedOut = true });
    }
}
