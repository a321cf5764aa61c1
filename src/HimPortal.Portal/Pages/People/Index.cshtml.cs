using HimPortal.Application.Portal.People;
using HimPortal.Portal.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Portal.Pages.People;

/// <summary>Whose record to show: the account's own, or a person the account represents (a parent's child, a guardian's ward).</summary>
public sealed class IndexModel(ListMyPeopleHandler handler, ChooseMyPersonHandler choose, CurrentPerson current) : PageModel
{
    public IReadOnlyList<PortalPersonView> People { get; private set; } = [];

    public Guid? Chosen { get; private set; }

    /// <summary>Back from /People/Add: the person from the letter was added.</summary>
    public bool Added { get; private set; }

    public async Task<IActionResult> OnGetAsync(bool added, CancellationToken ct)
    {
        Added = added;
        var result = await handler.HandleAsync(new ListMyPeopleQuery(), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        People = result.Value!;
        Chosen = await current.PatientIdAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(Guid patientId, CancellationToken ct)
    {
        // Only one of the account's own people: anything else is refused by the gate, audited, and not found.
        var result = await choose.HandleAsync(new ChooseMyPersonCommand(patientId), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        current.Choose(patientId);
        return Redirect("/");
    }
}
