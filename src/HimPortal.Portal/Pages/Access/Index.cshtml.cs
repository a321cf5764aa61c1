using HimPortal.Application.Portal.WhoLooked;
using HimPortal.Portal.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Portal.Pages.Access;

/// <summary>Who looked at the chart, newest first, and a way to flag an access one does not recognise.</summary>
public sealed class IndexModel(ListWhoLookedHandler list, FlagAccessHandler flag, CurrentPerson current) : PageModel
{
    public AccessEntries? Entries { get; private set; }

    public bool NoOne { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Flagged { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await ShowAsync(ct);

    public async Task<IActionResult> OnPostFlagAsync(Guid eventId, string? comment, CancellationToken ct)
    {
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            return NotFound();
        }

        var result = await flag.HandleAsync(new FlagAccessCommand(patientId, eventId, comment), ct);
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => ShowAsync(ct));
        }

        return Redirect("/Access?flagged=" + (result.Value!.AlreadyFlagged ? "again" : "yes"));
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            NoOne = true;
            return Page();
        }

        var result = await list.HandleAsync(new ListWhoLookedQuery(patientId, After), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Entries = result.Value;
        return Page();
    }
}
