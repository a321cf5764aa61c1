using HimPortal.Application.Portal.Activation;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace HimPortal.Portal.Pages.Account;

/// <summary>
/// Create the portal account from an activation letter: first the code with the birth date and family name, then the
/// e-mail address and password. The answers of the first step ride along in the second form (the person typed them; the
/// handler checks them again), so nothing is kept on the server between the two.
/// </summary>
public sealed class ActivateModel(ActivateAccountHandler handler, IOptions<IdentityOptions> identity) : PageModel
{
    public int MinimumLength => identity.Value.Password.RequiredLength;

    public sealed class InputModel
    {
        public string Code { get; set; } = "";

        public DateOnly? BirthDate { get; set; }

        public string FamilyName { get; set; } = "";

        public string? Email { get; set; }

        public string? Password { get; set; }
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>The answers were right: the page asks for the e-mail address and password.</summary>
    public bool Checked { get; private set; }

    public bool Representative { get; private set; }

    public IActionResult OnGet() => User.Identity?.IsAuthenticated == true ? Redirect("/") : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var creating = Input.Email is not null;
        var result = await handler.HandleAsync(
            new ActivateAccountCommand(Input.Code, Input.BirthDate, Input.FamilyName, creating ? Input.Email : null, creating ? Input.Password : null), ct);
        Input.Password = null;
        if (!result.IsSuccess)
        {
            // A refusal about the account (e-mail, password) keeps the person on the second step; one about the code does not.
            Checked = creating && result.Error!.Field is "Email" or "Password";
            return this.Refuse(result.Error!, Page);
        }

        if (result.Value!.AccountCreated)
        {
            return RedirectToPage("/Account/Login", new { activated = true });
        }

        Checked = true;
        Representative = result.Value.Representative;
        Input.Email = "";
        return Page();
    }
}
