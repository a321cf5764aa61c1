using HimPortal.Application.Compliance;
using HimPortal.Application.Compliance.PatientAccess;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Compliance;

/// <summary>The ready view "who accessed patient X" (folder policy Audit.Review).</summary>
public sealed class PatientModel(PatientAccessHandler handler, HospitalTime hospital) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public PatientAccessReport Report { get; private set; } = null!;

    public HospitalTime Hospital => hospital;

    public async Task<IActionResult> OnGetAsync(Guid patientId, CancellationToken ct)
    {
        var result = await handler.HandleAsync(new PatientAccessQuery(patientId, After), ct);
        if (!result.IsSuccess)
        {
            return result.Error!.Code == "not-found" ? NotFound() : BadRequest(result.Error.Message);
        }

        Report = result.Value!;
        return Page();
    }
}
