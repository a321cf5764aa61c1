using HimPortal.Application.Roi.Authorizations.BuildEvidencePack;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Roi.Requests;

/// <summary>
/// /Roi/Requests/{id}/Evidence: the evidence pack for a complaint (issue 17 item 8), built on a POST (it is written and
/// kept as a letter, and audited as an export) and downloaded at once.
/// </summary>
public sealed class EvidenceModel(BuildEvidencePackHandler build) : PageModel
{
    public Guid RequestId { get; private set; }

    public void OnGet(Guid id) => RequestId = id;

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var result = await build.HandleAsync(new BuildEvidencePackCommand(id), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Response.Headers.CacheControl = "no-store";
        return File(result.Value!.Pdf, "application/pdf", result.Value.FileName);
    }
}
