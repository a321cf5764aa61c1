using HimPortal.Application.Common;
using HimPortal.Application.Completion;
using HimPortal.Application.Completion.Him.FindStays;
using HimPortal.Application.Completion.Him.ListHimQueue;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Completion.Him;

/// <summary>
/// The HIM analyst's chart-completion worklist (issue 18 item 2): open deficiencies nobody owes (refused ones with their
/// reason), filtered by rule, class and facility, oldest discharge first, a page at a time by keyset link; the stays ready
/// to mark complete; a stay search by MRN. Completion.Analyse (folder policy); the handlers check it again and audit.
/// </summary>
public sealed class IndexModel(ListHimQueueHandler queue, FindStaysHandler find, HospitalTime time) : PageModel
{
    public static IReadOnlyList<string> Classes => StayClasses.Known;

    [BindProperty(SupportsGet = true)]
    public string? Rule { get; set; }

    [BindProperty(SupportsGet = true, Name = "class")]
    public string? EncounterClass { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? Facility { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Mrn { get; set; }

    public HimQueuePage? Queue { get; private set; }

    public IReadOnlyList<FoundStay>? Found { get; private set; }

    public string When(DateTimeOffset at) => time.Format(at);

    public string? NextUrl => Queue?.NextAfter is { } next
        ? Url.Page("/Completion/Him/Index", new { rule = Rule, @class = EncounterClass, facility = Facility, after = next })
        : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(Mrn))
        {
            var found = await find.HandleAsync(new FindStaysQuery(Mrn), ct);
            if (found.IsSuccess)
            {
                Found = found.Value;
            }
            else if (found.Error!.Kind is ErrorKind.Forbidden or ErrorKind.NotFound)
            {
                return this.Refuse(found.Error);
            }
            else
            {
                ModelState.AddModelError(nameof(Mrn), found.Error.Message);
            }
        }

        var result = await queue.HandleAsync(new ListHimQueueQuery(Empty(Rule), Empty(EncounterClass), Facility, Empty(After)), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        Queue = result.Value;
        return Page();
    }

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
