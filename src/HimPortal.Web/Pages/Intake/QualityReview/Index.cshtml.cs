using HimPortal.Application.Common;
using HimPortal.Application.Documents.QualityControl;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Intake.QualityReview;

/// <summary>The QA queue, oldest filing first (folder policy Intake.QualityReview; the handler checks it again).</summary>
public sealed class IndexModel(ListQualityReviewsHandler list, HospitalTime hospital, TimeProvider clock) : PageModel
{
    public QualityQueue Queue { get; private set; } = null!;

    public HospitalTime Hospital => hospital;

    public DateTimeOffset Now { get; } = clock.GetUtcNow();

    public async Task<IActionResult> OnGetAsync(string? after, CancellationToken ct)
    {
        var result = await list.HandleAsync(new ListQualityReviewsQuery(after), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Queue = result.Value!;
        return Page();
    }
}
