using HimPortal.Application.Portal.Amendments.GetAmendmentLetter;
using HimPortal.Portal.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Portal.Pages.Corrections;

/// <summary>A letter of one of the person's requests (denial, extension notice, rebuttal), as sent; another person's is not found.</summary>
public sealed class LetterModel(GetAmendmentLetterHandler handler, CurrentPerson current) : PageModel
{
    public async Task<IActionResult> OnGetAsync(Guid id, string? kind, CancellationToken ct)
    {
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            return NotFound();
        }

        var result = await handler.HandleAsync(new GetAmendmentLetterQuery(patientId, id, kind ?? ""), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Response.Headers.CacheControl = "no-store";
        return File(result.Value!.Content, "application/pdf", result.Value.FileName);
    }
}
