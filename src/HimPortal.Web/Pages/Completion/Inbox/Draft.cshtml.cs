using HimPortal.Application.Access;
using HimPortal.Application.Completion.Inbox.GetDraft;
using HimPortal.Application.Completion.Inbox.SaveDraft;
using HimPortal.Application.Completion.Inbox.SignDraft;
using HimPortal.Web.Pages.Charts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Completion.Inbox;

/// <summary>A document the physician writes (a missing one, or an addendum): edit, save (Version checked), sign and file.</summary>
public sealed class DraftModel(GetDraftHandler get, SaveDraftHandler save, SignDraftHandler sign) : PageModel
{
    public ChartRead<DraftView> Read { get; private set; } = ChartRead<DraftView>.NotFound();

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        Read = await get.HandleAsync(new GetDraftQuery(id), ct);
        return Read.Status == ChartReadStatus.Shown ? Page() : this.Answer(Read, Read.Entry?.Patient.Id ?? Guid.Empty);
    }

    public async Task<IActionResult> OnPostSaveAsync(Guid id, string? text, uint version, CancellationToken ct)
    {
        var result = await save.HandleAsync(new SaveDraftCommand(id, text ?? "", version), ct);
        return result.IsSuccess ? RedirectToPage(new { id }) : await this.RefuseAsync(result.Error!, () => OnGetAsync(id, ct));
    }

    public async Task<IActionResult> OnPostSignAsync(Guid id, uint version, bool attest, string? password, string? code, CancellationToken ct)
    {
        var result = await sign.HandleAsync(new SignDraftCommand(id, version, attest, SignerProofs.From(User, password, code)), ct);
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => OnGetAsync(id, ct));
        }

        TempData["InboxDone"] = "written";
        return RedirectToPage("/Completion/Inbox/Index");
    }
}
