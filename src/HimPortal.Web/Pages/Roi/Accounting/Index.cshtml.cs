using HimPortal.Application.Roi.Accounting.FindAccountingPatients;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Roi.Accounting;

/// <summary>Find a patient, then open their accounting of disclosures. Roi.Process (folder).</summary>
public sealed class IndexModel(FindAccountingPatientsHandler find) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Mrn { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? FamilyName { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? After { get; set; }

    public AccountingPatientPage? Results { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Mrn) && string.IsNullOrWhiteSpace(FamilyName))
        {
            return Page();
        }

        var result = await find.HandleAsync(new FindAccountingPatientsQuery(Mrn, FamilyName, After), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        Results = result.Value;
        return Page();
    }
}
