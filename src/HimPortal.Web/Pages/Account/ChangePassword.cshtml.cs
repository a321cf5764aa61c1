using HimPortal.Application.Access.Identity;
using HimPortal.Application.Accounts.ChangePassword;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace HimPortal.Web.Pages.Account;

/// <summary>The signed-in user's own password; the only page (with sign-out) while an issued password must be replaced.</summary>
public sealed class ChangePasswordModel(ChangePasswordHandler handler, IOptions<IdentityOptions> identity) : PageModel
{
    public sealed class InputModel
    {
        public string CurrentPassword { get; set; } = "";

        public string NewPassword { get; set; } = "";

        public string ConfirmPassword { get; set; } = "";
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool Required => User.MustChangePasswordNow();

    public int MinimumLength => identity.Value.Password.RequiredLength;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await handler.HandleAsync(new ChangePasswordCommand(Input.CurrentPassword, Input.NewPassword, Input.ConfirmPassword), ct);
        Input = new InputModel();
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        TempData["AccountNotice"] = result.Value!.OtherSessionsEnded == 0
            ? "Your password was changed."
            : $"Your password was changed; your {result.Value.OtherSessionsEnded} other session(s) were signed out.";
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
    }
}
