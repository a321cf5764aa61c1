using HimPortal.Application.Completion.Amendments;
using HimPortal.Application.Completion.Amendments.AcceptAmendment;
using HimPortal.Application.Completion.Amendments.DenyAmendment;
using HimPortal.Application.Completion.Amendments.GetAmendment;
using HimPortal.Application.Completion.Amendments.OpenAmendment;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Completion.Inbox;

/// <summary>A request to amend routed to the physician: accept (the amendment is appended and sent) or deny on a ground of 45 CFR 164.526(a)(2).</summary>
public sealed class AmendmentModel(OpenAmendmentHandler open, AcceptAmendmentHandler accept, DenyAmendmentHandler deny) : PageModel
{
    public AmendmentDetail? Detail { get; private set; }

    public IReadOnlyList<AmendmentDenialGround> Grounds => AmendmentDenialGroundTexts.All;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var result = await open.HandleAsync(new OpenAmendmentQuery(id), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Detail = result.Value;
        return Page();
    }

    public async Task<IActionResult> OnPostAcceptAsync(Guid id, string? amendment, uint version, CancellationToken ct)
    {
        var result = await accept.HandleAsync(new AcceptAmendmentCommand(id, amendment ?? "", version), ct);
        return result.IsSuccess ? Done("amendment accepted and appended to the record") : await this.RefuseAsync(result.Error!, () => OnGetAsync(id, ct));
    }

    public async Task<IActionResult> OnPostDenyAsync(Guid id, string? ground, string? explanation, uint version, CancellationToken ct)
    {
        var result = await deny.HandleAsync(new DenyAmendmentCommand(id, ground ?? "", explanation ?? "", version), ct);
        return result.IsSuccess ? Done("amendment denied; the letter is in the patient's portal") : await this.RefuseAsync(result.Error!, () => OnGetAsync(id, ct));
    }

    private RedirectToPageResult Done(string what)
    {
        TempData["InboxDone"] = what;
        return RedirectToPage("/Completion/Inbox/Index");
    }
}
