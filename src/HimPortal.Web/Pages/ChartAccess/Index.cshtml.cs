using HimPortal.Application.Patients.SearchPatients;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.ChartAccess;

/// <summary>
/// Chart access management's entry (folder policy ChartAccess.Manage): find the patient whose treatment assignments or
/// restriction to manage. The search is the patients' one (audited there), with each record's VIP and employee marks.
/// </summary>
public sealed class IndexModel(SearchPatientsHandler handler) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Name { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Mrn { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? BirthDate { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public PatientSearchPage? Results { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            ModelState.AddModelError(string.Empty, "Enter the birth date as a date (yyyy-mm-dd).");
            return;
        }

        if (string.IsNullOrWhiteSpace(Name) && string.IsNullOrWhiteSpace(Mrn) && BirthDate is null)
        {
            return;
        }

        var result = await handler.HandleAsync(new SearchPatientsQuery(Name, Mrn, BirthDate, After), ct);
        if (result.IsSuccess)
        {
            Results = result.Value;
        }
        else
        {
            ModelState.AddModelError(string.Empty, result.Error!.Message);
        }
    }

    public string NextPageUrl(string after) =>
        Url.Page("/ChartAccess/Index", new { Name, Mrn, BirthDate = BirthDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), After = after })!;
}
