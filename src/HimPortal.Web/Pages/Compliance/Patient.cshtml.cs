using HimPortal.Application.Common;
using HimPortal.Application.Compliance.WhoAccessedPatient;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Compliance;

/// <summary>The ready view "who accessed patient X" (folder policy Audit.Review).</summary>
public sealed class PatientModel(WhoAccessedPatientHandler handler, HospitalTime hospital) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public WhoAccessedPatientReport Report { get; private set; } = null!;

    public HospitalTime Hospital => hospital;

    public async Task<IActionResult> OnGetAsync(Guid patientId, CancellationToken ct)
    {
        var result = await handler.HandleAsync(new WhoAccessedPatientQuery(patientId, After), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Report = result.Value!;
        return Page();
    }
}
