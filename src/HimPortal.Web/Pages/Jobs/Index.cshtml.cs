using HimPortal.Application.Access;
using HimPortal.Application.Jobs.ListJobs;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Jobs;

/// <summary>The user's background jobs (imports, verifications), newest first; with Jobs.Monitor, the department's whole queue.</summary>
public sealed class IndexModel(ListJobsHandler list, PermissionCheck permissions) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public bool Everyone { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public JobList List { get; private set; } = new([], null, false);

    public bool MayWatchQueue => permissions.Holds(Permissions.JobsMonitor);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await list.HandleAsync(new ListJobsQuery(Everyone, string.IsNullOrWhiteSpace(Status) ? null : Status, After), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        List = result.Value!;
        if (List.Jobs.Any(j => !j.IsFinished))
        {
            ViewData["Refresh"] = "5";
        }

        return Page();
    }
}
