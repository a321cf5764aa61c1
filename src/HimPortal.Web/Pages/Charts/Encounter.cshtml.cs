using HimPortal.Application.Access;
using HimPortal.Application.Charts.GetEncounter;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Charts;

/// <summary>One encounter from the timeline, with everything recorded in it. Same access rules as the chart.</summary>
public sealed class EncounterModel(GetEncounterHandler handler, TimeProvider clock) : PageModel
{
    public ChartRead<EncounterView> Read { get; private set; } = ChartRead<EncounterView>.NotFound();

    public DateOnly Today { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid patientId, Guid encounterId, CancellationToken ct)
    {
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        Read = await handler.HandleAsync(new GetEncounterQuery(patientId, encounterId), ct);
        return this.Answer(Read, patientId);
    }
}
