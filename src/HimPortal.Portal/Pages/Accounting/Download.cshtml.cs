using HimPortal.Application.Roi.Portal.MyAccounting;
using HimPortal.Portal.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Portal.Pages.Accounting;

/// <summary>The accounting's PDF, as it was given; another person's id is not found.</summary>
public sealed class DownloadModel(GetMyAccountingHandler handler, CurrentPerson current) : PageModel
{
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            return NotFound();
        }

        var result = await handler.HandleAsync(new GetMyAccountingQuery(patientId, id), ct);
        return result.IsSuccess ? File(result.Value!.Content, result.Value.ContentType, result.Value.FileName) : this.Refuse(result.Error!);
    }
}
