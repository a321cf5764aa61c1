using HimPortal.Application.Common;
using HimPortal.Application.Compliance.BreakGlassReview;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Compliance;

/// <summary>The break-the-glass review queue (folder policy Audit.Review): unreviewed oldest first, follow-ups, reviewed.</summary>
public sealed class BreakGlassModel(ListBreakGlassHandler handler, HospitalTime hospital) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public BreakGlassQueue Queue { get; set; } = BreakGlassQueue.Unreviewed;

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public BreakGlassList List { get; private set; } = new([], null, 0);

    public HospitalTime Hospital => hospital;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await handler.HandleAsync(new ListBreakGlassQuery(Queue, After), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        List = result.Value!;
        return Page();
    }
}
