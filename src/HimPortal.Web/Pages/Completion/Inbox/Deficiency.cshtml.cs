using HimPortal.Application.Access;
using HimPortal.Application.Completion.Inbox.OpenDeficiency;
using HimPortal.Application.Completion.Inbox.RefuseDeficiency;
using HimPortal.Application.Completion.Inbox.SignDeficiency;
using HimPortal.Application.Completion.Inbox.StartDraft;
using HimPortal.Web.Pages.Charts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Completion.Inbox;

/// <summary>
/// One deficiency of the physician's: the entry to sign (read through the chart gate, its hash shown), the document to
/// write, and "not my patient". Each action is one handler; a refusal shows the form again with nothing changed.
/// </summary>
public sealed class DeficiencyModel(
    OpenDeficiencyHandler open,
    SignDeficiencyHandler sign,
    RefuseDeficiencyHandler refuse,
    StartDraftHandler start) : PageModel
{
    public ChartRead<DeficiencyView> Read { get; private set; } = ChartRead<DeficiencyView>.NotFound();

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        Read = await open.HandleAsync(new OpenDeficiencyQuery(id), ct);
        return Read.Status == ChartReadStatus.Shown ? Page() : this.Answer(Read, Read.Entry?.Patient.Id ?? Guid.Empty);
    }

    public async Task<IActionResult> OnPostSignAsync(Guid id, string? sha256, uint version, bool attest, string? password, string? code, CancellationToken ct)
    {
        var result = await sign.HandleAsync(new SignDeficiencyCommand(id, version, sha256 ?? "", attest, SignerProofs.From(User, password, code)), ct);
        return result.IsSuccess ? Done("signed") : await this.RefuseAsync(result.Error!, () => OnGetAsync(id, ct));
    }

    public async Task<IActionResult> OnPostRefuseAsync(Guid id, string? reason, uint version, CancellationToken ct)
    {
        var result = await refuse.HandleAsync(new RefuseDeficiencyCommand(id, reason ?? "", version), ct);
        return result.IsSuccess ? Done("refused") : await this.RefuseAsync(result.Error!, () => OnGetAsync(id, ct));
    }

    public async Task<IActionResult> OnPostWriteAsync(Guid id, CancellationToken ct)
    {
        var result = await start.HandleAsync(new StartDraftCommand(id, null), ct);
        return result.IsSuccess ? RedirectToPage("/Completion/Inbox/Draft", new { id = result.Value }) : await this.RefuseAsync(result.Error!, () => OnGetAsync(id, ct));
    }

    private RedirectToPageResult Done(string what)
    {
        TempData["InboxDone"] = what;
        return RedirectToPage("/Completion/Inbox/Index");
    }
}
