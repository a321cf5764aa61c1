using HimPortal.Application.Common;
using HimPortal.Application.Compliance.Incidents;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Compliance;

/// <summary>Privacy incidents (misfiled documents seen under the wrong patient), open first (folder policy Audit.Review).</summary>
public sealed class IncidentsModel(ListIncidentsHandler list, HospitalTime hospital) : PageModel
{
    public IncidentList List { get; private set; } = null!;

    public IncidentQueue Queue { get; private set; }

    public HospitalTime Hospital => hospital;

    public async Task<IActionResult> OnGetAsync(IncidentQueue queue, string? after, CancellationToken ct)
    {
        Queue = queue;
        var result = await list.HandleAsync(new ListIncidentsQuery(queue, after), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        List = result.Value!;
        return Page();
    }
}
