using HimPortal.Application.Access;
using HimPortal.Application.Completion.Inbox.GetInbox;
using HimPortal.Application.Patients.SearchPatients;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Charts;

/// <summary>
/// Find a patient (folder policy Charts.Search); the chart itself decides what the reader may see. Each reader is told
/// what a patient found leads to for them, and linked there: the physician to the chart (with its relationship rule),
/// HIM staff and release of information to the chart's sections of their work and to chart access management, the
/// compliance officer to the patient's access history.
/// </summary>
public sealed class IndexModel(SearchPatientsHandler handler, GetInboxHandler inbox, PermissionCheck permissions) : PageModel
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

    public bool Searched => !string.IsNullOrWhiteSpace(Name) || !string.IsNullOrWhiteSpace(Mrn) || BirthDate is not null;

    /// <summary>What a found patient leads this reader to: the chart, chart access management, the access history.</summary>
    public SearchLeads Leads => _leads ??= new SearchLeads(User.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value).ToList());

    private SearchLeads? _leads;

    /// <summary>The physician's chart-completion inbox, first page (issue 18: their home shows it before the search).</summary>
    public InboxPage? Inbox { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (!Searched && permissions.Holds(Permissions.CompletionSign))
        {
            Inbox = (await inbox.HandleAsync(new GetInboxQuery(PageSize: 10), ct)).Value;
        }

        if (!ModelState.IsValid)
        {
            ModelState.AddModelError(string.Empty, "Enter the birth date as a date (yyyy-mm-dd).");
            return;
        }

        if (!Searched)
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
            // The folder policy lets only searchers in: what can fail here is the search itself, shown on the form.
            ModelState.AddModelError(string.Empty, result.Error!.Message);
        }
    }

    public string NextPageUrl(string after) =>
        Url.Page("/Charts/Index", new { Name, Mrn, BirthDate = BirthDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), After = after })!;
}
