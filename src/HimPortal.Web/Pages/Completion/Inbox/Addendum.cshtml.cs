using HimPortal.Application.Completion.Inbox.StartDraft;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Completion.Inbox;

/// <summary>Starts an addendum to a signed document (a draft naming it), then the draft page takes over.</summary>
public sealed class AddendumModel(StartDraftHandler start) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(Guid documentId, CancellationToken ct)
    {
        var result = await start.HandleAsync(new StartDraftCommand(null, documentId), ct);
        return result.IsSuccess ? RedirectToPage("/Completion/Inbox/Draft", new { id = result.Value }) : this.Refuse(result.Error!, Page);
    }
}
