using HimPortal.Application.Common;
using HimPortal.Application.Portal.Amendments.FileDisagreement;
using HimPortal.Application.Portal.Amendments.IncludeDenial;
using HimPortal.Application.Portal.Amendments.ListMyAmendments;
using HimPortal.Portal.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Portal.Pages.Corrections;

/// <summary>The person's requests to correct their record (45 CFR 164.526): status and clock in plain words, letters, and a statement of disagreement after a denial, or
/// without one the request that the request and the denial go with future disclosures (164.526(d)(5)(ii)).</summary>
public sealed class IndexModel(ListMyAmendmentsHandler list, FileDisagreementHandler disagree, IncludeDenialHandler include, CurrentPerson current, HospitalTime hospital) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public MyAmendmentsPage? Requests { get; private set; }

    public HospitalTime Hospital => hospital;

    public int MaxStatement => FileDisagreementValidator.MaxLength;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await ShowAsync(ct);

    public async Task<IActionResult> OnPostDisagreeAsync(Guid amendmentId, string? statement, uint version, CancellationToken ct)
    {
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            return NotFound();
        }

        var result = await disagree.HandleAsync(new FileDisagreementCommand(patientId, amendmentId, statement ?? "", version), ct);
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => ShowAsync(ct));
        }

        TempData["CorrectionDone"] = "Your statement of disagreement is filed. It is linked to the item and goes with it whenever it is shared.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostIncludeAsync(Guid amendmentId, uint version, CancellationToken ct)
    {
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            return NotFound();
        }

        var result = await include.HandleAsync(new IncludeDenialCommand(patientId, amendmentId, version), ct);
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => ShowAsync(ct));
        }

        TempData["CorrectionDone"] = "Done: your request and our denial will go with this item whenever it is shared.";
        return RedirectToPage();
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            return Page();
        }

        var result = await list.HandleAsync(new ListMyAmendmentsQuery(patientId, After), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        Requests = result.Value;
        return Page();
    }

    public string Day(DateTimeOffset at) => hospital.Local(at).ToString("d MMMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
}
