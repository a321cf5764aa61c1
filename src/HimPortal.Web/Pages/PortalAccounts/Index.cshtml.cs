using HimPortal.Application.Patients.SearchPatients;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.PortalAccounts;

/// <summary>Portal accounts (Portal.Enrol): find the patient with the staff app's patient search, then issue their letter.</summary>
public sealed class IndexModel(SearchPatientsHandler search) : PageModel
{
    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public string? Name { get; set; }

    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public string? Mrn { get; set; }

    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public DateOnly? BirthDate { get; set; }

    [Microsoft.AspNetCore.Mvc.BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public PatientSearchPage? Results { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Name) && string.IsNullOrWhiteSpace(Mrn) && BirthDate is null)
        {
            return;
        }

        var result = await search.HandleAsync(new SearchPatientsQuery(Name, Mrn, BirthDate, After), ct);
        if (result.IsSuccess)
        {
            Results = result.Value;
        }
        else
        {
            ModelState.AddModelError(string.Empty, result.Error!.Message);
        }
    }
}
