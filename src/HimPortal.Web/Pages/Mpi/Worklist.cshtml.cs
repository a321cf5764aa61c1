using HimPortal.Application.Common;
using HimPortal.Application.Mpi.ListWorklist;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Mpi;

/// <summary>
/// The duplicate worklist (issue 16 item 3): open candidate pairs, filtered by status and source, oldest or most likely
/// first, a page at a time by keyset link. Mpi.Review (folder policy); the handler checks it again and audits the page.
/// </summary>
public sealed class WorklistModel(ListWorklistHandler worklist, HospitalTime time, TimeProvider clock) : PageModel
{
    public static readonly IReadOnlyList<string> Statuses = HimPortal.Data.Mpi.PairStatuses.Open;

    public static readonly IReadOnlyList<string> Sources =
        [HimPortal.Data.Mpi.PairSources.Arrival, HimPortal.Data.Mpi.PairSources.Scan, HimPortal.Data.Mpi.PairSources.ImportConflict, HimPortal.Data.Mpi.PairSources.Manual];

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Source { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Order { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public WorklistPage? List { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public string Found(DateTimeOffset at) => time.Format(at);

    public static string Age(TimeSpan age) => age.TotalDays >= 1
        ? $"{(int)age.TotalDays} d {age.Hours} h"
        : age.TotalHours >= 1 ? $"{(int)age.TotalHours} h {age.Minutes} min" : $"{Math.Max(0, (int)age.TotalMinutes)} min";

    public string? NextUrl => List?.NextAfter is { } next
        ? Url.Page("/Mpi/Worklist", new { status = Status, source = Source, order = Order, after = next })
        : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        var result = await worklist.HandleAsync(new ListWorklistQuery(Empty(Status), Empty(Source), Empty(Order), Empty(After)), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        List = result.Value;
        return Page();
    }

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
