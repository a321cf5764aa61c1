using HimPortal.Application.Documents.Pages;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Net.Http.Headers;

namespace HimPortal.Web.Pages.Documents;

/// <summary>
/// GET /Documents/Pages/{pageId}/Image and /Thumbnail: a scanned page's PNG for the indexing screen (issue 15 item 4).
/// The folder policy (Intake.Index) guards it and the handler checks again and audits the view. Kept by the browser
/// privately (never by a shared cache: it is patient data) under an ETag that never changes.
/// </summary>
public sealed class PageImageModel(GetPageImageHandler images) : PageModel
{
    public async Task<IActionResult> OnGetAsync(Guid pageId, string kind, CancellationToken ct)
    {
        var result = await images.HandleAsync(new GetPageImageQuery(pageId, kind == "Thumbnail"), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        var image = result.Value!;
        var etag = new EntityTagHeaderValue($"\"{image.ETag}\"");
        Response.Headers.CacheControl = "private, max-age=3600";
        Response.Headers.XContentTypeOptions = "nosniff";
        Response.Headers.ETag = etag.ToString();
        // The view is audited above either way: a revalidation is a view too.
        if (Request.GetTypedHeaders().IfNoneMatch.Any(tag => tag.Compare(etag, useStrongComparison: false)))
        {
            return StatusCode(StatusCodes.Status304NotModified);
        }

        return File(image.Png, "image/png");
    }
}
