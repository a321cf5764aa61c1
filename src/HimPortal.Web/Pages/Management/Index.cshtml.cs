using HimPortal.Application.Documents.QualityControl;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Management;

/// <summary>The HIM manager's department page (folder policy Department.Dashboard): for now, indexing QA's figures.</summary>
public sealed class IndexModel(GetQualityFiguresHandler figures) : PageModel
{
    public QualityFigures? Quality { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var result = await figures.HandleAsync(new GetQualityFiguresQuery(), ct);
        Quality = result.Value;
    }
}
