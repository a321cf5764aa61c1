using System.Security.Claims;
using HimPortal.Application.Administration.Users;
using HimPortal.Application.Administration.Users.ChangeRoles;
using HimPortal.Application.Administration.Users.GetUser;
using HimPortal.Application.Administration.Users.LockUser;
using HimPortal.Application.Administration.Users.ResetUserPassword;
using HimPortal.Application.Administration.Users.UpdateProfile;
using HimPortal.Application.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Administration.Users;

public sealed class DetailsModel(
    GetUserHandler getUser,
    ChangeRolesHandler changeRoles,
    LockUserHandler lockUser,
    UpdateProfileHandler updateProfile,
    ResetUserPasswordHandler resetPassword) : PageModel
{
    public UserDetails? UserAccount { get; private set; }

    /// <summary>The administrator's own account: no reset here (they change their password), no lock.</summary>
    public bool IsSelf => UserAccount is { } user && User.FindFirstValue(ClaimTypes.NameIdentifier) == user.Id.ToString();

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await ShowAsync(id, ct);

    public async Task<IActionResult> OnPostRolesAsync(Guid id, string stamp, List<string>? roles, CancellationToken ct)
    {
        var result = await changeRoles.HandleAsync(new ChangeRolesCommand(id, roles ?? [], stamp), ct);
        return await AfterAsync(id, result.Error, "Roles saved; the user's sessions were ended.", ct);
    }

    /// <summary>Unlocking, from this page; locking asks for a reason and a confirmation on its own page (Lock).</summary>
    public async Task<IActionResult> OnPostUnlockAsync(Guid id, string stamp, string? reason, CancellationToken ct)
    {
        var result = await lockUser.HandleAsync(new LockUserCommand(id, false, stamp, reason), ct);
        return await AfterAsync(id, result.Error, "Account unlocked.", ct);
    }

    public async Task<IActionResult> OnPostResetPasswordAsync(Guid id, string stamp, CancellationToken ct)
    {
        var result = await resetPassword.HandleAsync(new ResetUserPasswordCommand(id, stamp), ct);
        if (result.IsSuccess)
        {
            // Shown once, on the next page, and never stored in clear: TempData lives in an encrypted cookie.
            TempData["GeneratedPassword"] = result.Value!.OneTimePassword;
        }

        return await AfterAsync(id, result.Error,
            $"Password reset; {result.Value?.SessionsEnded ?? 0} open session(s) ended. The user must choose a new password at the next sign-in.", ct);
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
