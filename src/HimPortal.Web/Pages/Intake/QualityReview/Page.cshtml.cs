using HimPortal.Application.Documents.QualityControl;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Intake.QualityReview;

/// <summary>
/// One page image of the document under review (PNG), audited by the handler as a quality-review page view. QA's own
/// image route, apart from the render branch's /Documents/Pages endpoints: QA has its own permission and refuses the
/// indexer. Never cached by the browser or a proxy: it is patient data.
/// </summary>
public sealed class PageImageModel(GetQualityReviewPageHandler pageImage) : PageModel
{
    public async Task<IActionResult> OnGetAsync(Guid id, int number, CancellationToken ct)
    {
        var result = await pageImage.HandleAsync(new GetQualityReviewPageQuery(id, number), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Response.Headers.CacheControl = "no-store";
        return File(result.Value!.Png, "image/png");
    }
}
