using HimPortal.Application.Administration.Users;
using HimPortal.Application.Administration.Users.CreateUser;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Administration.Users;

public sealed class CreateModel(CreateUserHandler handler) : PageModel
{
    public sealed class InputModel
    {
        public string Email { get; set; } = "";

        public string? DisplayName { get; set; }

        public List<string> Roles { get; set; } = [];

        public string? PractitionerNpi { get; set; }

        public string? Password { get; set; }
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    [BindProperty]
    public UserProfile Profile { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var command = new CreateUserCommand(Input.Email, Input.DisplayName, Input.Roles,
            string.IsNullOrWhiteSpace(Input.PractitionerNpi) ? null : Input.PractitionerNpi.Trim(),
            string.IsNullOrEmpty(Input.Password) ? null : Input.Password, Profile);
        var result = await handler.HandleAsync(command, ct);
        if (!result.IsSuccess)
        {
            Input.Password = null;
            return this.Refuse(result.Error!, Page);
        }

        // Shown once, on the next page, and never stored in clear: TempData lives in an encrypted cookie.
        TempData["GeneratedPassword"] = result.Value!.GeneratedPassword;
        TempData["Notice"] = $"Account {result.Value.Email} created.";
        return RedirectToPage("Details", new { id = result.Value.Id });
    }
}
