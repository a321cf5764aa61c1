using HimPortal.Application.Roi.GetRoiFigures;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Roi;

/// <summary>Release of information in numbers (issue 17 item 9). Page policy Roi.Numbers (ROI specialists and HIM managers).</summary>
public sealed class NumbersModel(GetRoiFiguresHandler figures) : PageModel
{
    public RoiFigures Figures { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await figures.HandleAsync(new GetRoiFiguresQuery(), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Figures = result.Value!;
        return Page();
    }
}
