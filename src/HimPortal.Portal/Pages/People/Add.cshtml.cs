using HimPortal.Application.Portal.People;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Portal.Pages.People;

/// <summary>
/// A signed-in account adds a person it represents from that person's representative letter (ADR 0041): the code with
/// the representative's own birth date and family name, checked and counted as at activation. Back to /People on success.
/// </summary>
public sealed class AddModel(AddMyPersonHandler handler) : PageModel
{
    public sealed class InputModel
    {
        public string Code { get; set; } = "";

        public DateOnly? BirthDate { get; set; }

        public string FamilyName { get; set; } = "";
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await handler.HandleAsync(new AddMyPersonCommand(Input.Code, Input.BirthDate, Input.FamilyName), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        return RedirectToPage("/People/Index", new { added = true });
    }
}
