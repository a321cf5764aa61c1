using HimPortal.Application.Roi.Portal.MyAccounting;
using HimPortal.Portal.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Portal.Pages.Accounting;

/// <summary>The accounting of disclosures (45 CFR 164.528): ask for one, see when each is ready, download it.</summary>
public sealed class IndexModel(RequestMyAccountingHandler ask, ListMyAccountingsHandler list, CurrentPerson current, TimeProvider time) : PageModel
{
    public MyAccountings? Accountings { get; private set; }

    public bool NoOne { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Asked { get; set; }

    [BindProperty]
    public DateOnly? From { get; set; }

    [BindProperty]
    public DateOnly? Until { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        From ??= today.AddYears(-6).AddDays(1);
        Until ??= today;
        return await ShowAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            return NotFound();
        }

        var result = await ask.HandleAsync(new RequestMyAccountingCommand(patientId, From, Until), ct);
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => ShowAsync(ct));
        }

        return Redirect("/Accounting?asked=" + (result.Value!.Ready ? "ready" : "waiting"));
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            NoOne = true;
            return Page();
        }

        var result = await list.HandleAsync(new ListMyAccountingsQuery(patientId, After), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Accountings = result.Value;
        return Page();
    }
}
