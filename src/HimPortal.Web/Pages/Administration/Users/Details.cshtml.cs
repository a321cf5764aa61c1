using HimPortal.Application.Administration.Users;
using HimPortal.Application.Administration.Users.ChangeRoles;
using HimPortal.Application.Administration.Users.GetUser;
using HimPortal.Application.Administration.Users.LockUser;
using HimPortal.Application.Administration.Users.UpdateProfile;
using HimPortal.Application.Common;
using HimPortal.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Administration.Users;

public sealed class DetailsModel(GetUserHandler getUser, ChangeRolesHandler changeRoles, LockUserHandler lockUser, UpdateProfileHandler updateProfile)
    : PageModel
{
    public UserDetails? UserAccount { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await ShowAsync(id, ct);

    public async Task<IActionResult> OnPostRolesAsync(Guid id, string stamp, List<string>? roles, CancellationToken ct)
    {
        var result = await changeRoles.HandleAsync(new ChangeRolesCommand(id, roles ?? [], stamp), ct);
        return await AfterAsync(id, result.Error, "Roles saved; the user's sessions were ended.", ct);
    }

    public async Task<IActionResult> OnPostLockAsync(Guid id, string stamp, bool @lock, CancellationToken ct)
    {
        var result = await lockUser.HandleAsync(new LockUserCommand(id, @lock, stamp), ct);
        return await AfterAsync(id, result.Error, @lock ? "Account locked; its sessions were ended." : "Account unlocked.", ct);
    }

    public async Task<IActionResult> OnPostProfileAsync(Guid id, string stamp, [Bind(Prefix = "Profile")] UserProfile profile, CancellationToken ct)
    {
        var result = await updateProfile.HandleAsync(new UpdateProfileCommand(id, profile, stamp), ct);
        return await AfterAsync(id, result.Error, result.IsSuccess && result.Value!.Count == 0 ? "Nothing changed." : "Profile saved.", ct);
    }

    private async Task<IActionResult> AfterAsync(Guid id, Error? error, string notice, CancellationToken ct)
    {
        if (error is null)
        {
            TempData["Notice"] = notice;
            return RedirectToPage(new { id });
        }

        return await this.RefuseAsync(error, () => ShowAsync(id, ct));
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
