using HimPortal.Application.Common;
using HimPortal.Application.Compliance.Alerts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Compliance;

/// <summary>The privacy-alert queue (folder policy Audit.Review), by rule.</summary>
public sealed class AlertsModel(ListAlertsHandler handler, HospitalTime hospital) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public AlertQueue Queue { get; set; } = AlertQueue.Open;

    [BindProperty(SupportsGet = true)]
    public string? Rule { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public AlertList List { get; private set; } = new([], null, 0);

    public HospitalTime Hospital => hospital;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await handler.HandleAsync(new ListAlertsQuery(Queue, string.IsNullOrWhiteSpace(Rule) ? null : Rule, After), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        List = result.Value!;
        return Page();
    }
}
