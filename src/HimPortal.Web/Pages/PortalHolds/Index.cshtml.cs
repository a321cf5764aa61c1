using HimPortal.Application.Common;
using HimPortal.Application.Portal.Holds;
using HimPortal.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.PortalHolds;

/// <summary>
/// Physicians and HIM managers (folder policy Portal.Hold) hold an item of a patient's record back from the portal under
/// an exception of the information-blocking rule (45 CFR 171.201-204), with the reason, and lift the hold.
/// </summary>
public sealed class IndexModel(ListHoldsHandler list, PlaceHoldHandler place, LiftHoldHandler lift, HospitalTime hospital) : PageModel
{
    public sealed class PlaceInput
    {
        public string? ResourceType { get; set; }

        public Guid ResourceId { get; set; }

        public string? Exception { get; set; }

        public string? Reason { get; set; }

        public DateOnly? ReviewOn { get; set; }
    }

    [BindProperty]
    public PlaceInput Place { get; set; } = new();

    public Guid? PatientId { get; private set; }

    public IReadOnlyList<HoldView> Holds { get; private set; } = [];

    public string Time(DateTimeOffset? at) => at is { } instant ? hospital.Format(instant) : "";

    public async Task<IActionResult> OnGetAsync(Guid? patientId, string? resourceType, Guid? resourceId, CancellationToken ct)
    {
        if (patientId is null)
        {
            // Holds are placed from a patient's chart ("Hold items back from the patient portal").
            return Page();
        }

        Place.ResourceType = resourceType;
        Place.ResourceId = resourceId ?? Guid.Empty;
        return await ShowAsync(patientId.Value, null, ct);
    }

    public async Task<IActionResult> OnPostPlaceAsync(Guid patientId, CancellationToken ct)
    {
        var result = await place.HandleAsync(
            new PlaceHoldCommand(patientId, Place.ResourceType ?? "", Place.ResourceId, Place.Exception ?? "", Place.Reason ?? "", Place.ReviewOn), ct);
        return await AfterAsync(patientId, result.Error, "The item is held back from the portal.", ct);
    }

    public async Task<IActionResult> OnPostLiftAsync(Guid patientId, Guid holdId, uint version, CancellationToken ct)
    {
        var result = await lift.HandleAsync(new LiftHoldCommand(patientId, holdId, version), ct);
        return await AfterAsync(patientId, result.Error, "The hold is lifted: the item shows in the portal again.", ct);
    }

    private Task<IActionResult> AfterAsync(Guid patientId, Error? error, string notice, CancellationToken ct) =>
        this.AfterChangeAsync(patientId, error, notice, refusal => ShowAsync(patientId, refusal, ct));

    private Task<IActionResult> ShowAsync(Guid patientId, Error? error, CancellationToken ct) =>
        this.ShowListAsync(error, () => list.HandleAsync(new ListHoldsQuery(patientId), ct), holds =>
        {
            PatientId = patientId;
            Holds = holds;
        });
}
