using HimPortal.Application.Compliance;
using HimPortal.Application.Compliance.Alerts;
using HimPortal.Application.Compliance.Reviews;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Compliance;

/// <summary>One privacy alert with its evidence and disposition (folder policy Audit.Review).</summary>
public sealed class AlertModel(GetAlertHandler get, ReviewAlertHandler review, HospitalTime hospital) : PageModel
{
    public AlertView Alert { get; private set; } = null!;

    public HospitalTime Hospital => hospital;

    public string? Disposition { get; private set; }

    public string? Notes { get; private set; }

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => ShowAsync(id, ct);

    public async Task<IActionResult> OnPostReviewAsync(Guid id, string? disposition, string? notes, uint version, CancellationToken ct)
    {
        var result = await review.HandleAsync(new ReviewCommand(id, disposition, notes, version), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = $"Alert recorded as {ReviewRules.Label(result.Value)}.";
            return RedirectToPage("/Compliance/Alerts");
        }

        if (result.Error!.Code == "not-found")
        {
            return NotFound();
        }

        ModelState.AddModelError(string.Empty, result.Error.Message);
        Disposition = disposition;
        Notes = notes;
        return await ShowAsync(id, ct);
    }

    private async Task<IActionResult> ShowAsync(Guid id, CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetAlertQuery(id), ct);
        if (!result.IsSuccess)
        {
            return result.Error!.Code == "not-found" ? NotFound() : Forbid();
        }

        Alert = result.Value!;
        return Page();
    }
}
