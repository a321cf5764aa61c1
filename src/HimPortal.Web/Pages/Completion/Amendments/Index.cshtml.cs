using HimPortal.Application.Completion.Amendments.ListAmendmentQueue;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Completion.Amendments;

/// <summary>HIM's queue of requests to amend (45 CFR 164.526), soonest due first, keyset paged (folder policy Completion.Analyse).</summary>
public sealed class IndexModel(ListAmendmentQueueHandler handler) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public AmendmentQueuePage? Queue { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await handler.HandleAsync(new ListAmendmentQueueQuery(After), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        Queue = result.Value;
        return Page();
    }
}
