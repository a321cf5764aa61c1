using HimPortal.Application.Roi.ListRequests;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Roi;

/// <summary>
/// The ROI specialist's home: the worklist of requests by due date (issue 17 item 1), filtered by view (open, due soon,
/// overdue, closed), status and requester type, a page at a time by keyset link; overdue requests counted in a banner
/// and marked on every row. Roi.Process (folder); the handler checks again and audits the page.
/// </summary>
public sealed class IndexModel(ListRequestsHandler list) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? View { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Type { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public RequestWorklistPage? List { get; private set; }

    public string? NextUrl => List?.NextAfter is { } next ? Url.Page("/Roi/Index", new { view = View, status = Status, type = Type, after = next }) : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await list.HandleAsync(new ListRequestsQuery(Empty(View), Empty(Status), Empty(Type), Empty(After)), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        List = result.Value;
        return Page();
    }

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
