using HimPortal.Application.Completion.Amendments.ListAmendmentInbox;
using HimPortal.Application.Completion.Inbox.GetInbox;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Completion.Inbox;

/// <summary>The physician's chart-completion inbox, keyset paged (folder policy Completion.Sign).</summary>
public sealed class IndexModel(GetInboxHandler handler, ListAmendmentInboxHandler amendments) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public InboxPage? Inbox { get; private set; }

    /// <summary>Requests to amend the physician's documentation (45 CFR 164.526), shown above the deficiencies.</summary>
    public AmendmentInboxPage? Amendments { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await handler.HandleAsync(new GetInboxQuery(After), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        Inbox = result.Value;
        if (After is null)
        {
            var requests = await amendments.HandleAsync(new ListAmendmentInboxQuery(), ct);
            Amendments = requests.IsSuccess ? requests.Value : null;
        }

        return Page();
    }
}
