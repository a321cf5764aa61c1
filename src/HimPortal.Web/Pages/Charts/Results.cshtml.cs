using HimPortal.Application.Access;
using HimPortal.Application.Charts.GetResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Charts;

/// <summary>Every result of one test, with its trend: opened from the chart's lab and vital-sign tables.</summary>
public sealed class ResultsModel(GetResultsHandler handler, TimeProvider clock) : PageModel
{
    public ChartRead<ResultsView> Read { get; private set; } = ChartRead<ResultsView>.NotFound();

    public DateOnly Today { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid patientId, string code, CancellationToken ct)
    {
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        Read = await handler.HandleAsync(new GetResultsQuery(patientId, code), ct);
        return this.Answer(Read, patientId);
    }
}
