using HimPortal.Application.Common;
using HimPortal.Application.Compliance.Incidents;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Compliance;

/// <summary>
/// One privacy incident: the document, the two patients, who saw it and when, the deadline; compliance records the
/// exception, the four-factor assessment, the notification and a disposition (folder policy Audit.Review; the handlers
/// re-check it on GET and POST).
/// </summary>
public sealed class IncidentModel(GetIncidentHandler get, ReviewIncidentHandler review, HospitalTime hospital) : PageModel
{
    public IncidentView Item { get; private set; } = null!;

    public HospitalTime Hospital => hospital;

    [BindProperty]
    public AssessmentInput Input { get; set; } = new();

    public sealed class AssessmentInput
    {
        public uint Version { get; set; }

        public string? BreachException { get; set; }

        public string? NatureAndExtent { get; set; }

        public string? UnauthorizedPerson { get; set; }

        public string? AcquiredOrViewed { get; set; }

        public string? Mitigation { get; set; }

        public DateOnly? NotifiedOn { get; set; }

        public string? Disposition { get; set; }

        public string? Notes { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var shown = await ShowAsync(id, ct);
        if (shown is PageResult)
        {
            Input = new AssessmentInput
            {
                Version = Item.Version, BreachException = Item.BreachException, NatureAndExtent = Item.NatureAndExtent, UnauthorizedPerson = Item.UnauthorizedPerson,
                AcquiredOrViewed = Item.AcquiredOrViewed, Mitigation = Item.Mitigation,
                NotifiedOn = Item.NotifiedAt is { } at ? DateOnly.FromDateTime(at.UtcDateTime) : null, Notes = Item.ReviewNotes,
            };
        }

        return shown;
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var notified = Input.NotifiedOn is { } day ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : (DateTimeOffset?)null;
        var result = await review.HandleAsync(new ReviewIncidentCommand(id, Input.Version, Empty(Input.BreachException), Input.NatureAndExtent, Input.UnauthorizedPerson,
            Input.AcquiredOrViewed, Input.Mitigation, notified, Empty(Input.Disposition), Input.Notes), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = result.Value == "open" ? "Assessment saved; the incident stays open." : $"Incident recorded as {result.Value}.";
            return result.Value == "open" ? RedirectToPage(new { id }) : RedirectToPage("/Compliance/Incidents");
        }

        return await this.RefuseAsync(result.Error!, () => ShowAsync(id, ct));
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private async Task<IActionResult> ShowAsync(Guid id, CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetIncidentQuery(id), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Item = result.Value!;
        return Page();
    }
}
