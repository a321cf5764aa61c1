using HimPortal.Application.Administration.Users.GetUser;
using HimPortal.Application.Administration.Users.LockUser;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Administration.Users;

/// <summary>
/// Locking an account, confirmed: the page says whose account it is and what locking does (sign-in stops, every open
/// session ends now), and asks for the reason, which the audit keeps. Scripts are blocked (CSP), so the confirmation
/// is this step of its own rather than a dialog.
/// </summary>
public sealed class LockModel(GetUserHandler getUser, LockUserHandler lockUser) : PageModel
{
    public UserDetails? UserAccount { get; private set; }

    [BindProperty]
    public string? Reason { get; set; }

    public int MaxReasonLength => LockUserValidator.MaxReasonLength;

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => ShowAsync(id, ct);

    public async Task<IActionResult> OnPostAsync(Guid id, string stamp, CancellationToken ct)
    {
        var result = await lockUser.HandleAsync(new LockUserCommand(id, true, stamp, Reason), ct);
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => ShowAsync(id, ct));
        }

        TempData["Notice"] = "Account locked; its sessions were ended.";
        return RedirectToPage("Details", new { id });
    }

    private async Task<IActionResult> ShowAsync(Guid id, CancellationToken ct)
    {
        var result = await getUser.HandleAsync(new GetUserQuery(id), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        UserAccount = result.Value;
        return Page();
    }
}
