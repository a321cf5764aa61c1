using HimPortal.Application.Common;
using HimPortal.Application.Compliance.Home;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Compliance;

/// <summary>The compliance home (folder policy Audit.Review): what waits for review, and the ways into the access log.</summary>
public sealed class IndexModel(ComplianceHomeHandler handler, HospitalTime hospital) : PageModel
{
    public ComplianceHome Home { get; private set; } = null!;

    public HospitalTime Hospital => hospital;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await handler.HandleAsync(new ComplianceHomeQuery(), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Home = result.Value!;
        return Page();
    }
}
