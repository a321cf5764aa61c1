using HimPortal.Application.Completion.Amendments.ExtendAmendment;
using HimPortal.Application.Completion.Amendments.GetAmendment;
using HimPortal.Application.Completion.Amendments.GetRecipientLetter;
using HimPortal.Application.Completion.Amendments.MarkLetterMailed;
using HimPortal.Application.Completion.Amendments.RouteAmendment;
using HimPortal.Application.Completion.Amendments.WriteRebuttal;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Completion.Amendments;

/// <summary>
/// One request to amend, for HIM: route it to the author, extend it once with a notice, rebut a statement of
/// disagreement; after acceptance, download the letters to print for postal recipients and mark them mailed.
/// </summary>
public sealed class RequestModel(GetAmendmentHandler get, RouteAmendmentHandler route, ExtendAmendmentHandler extend, WriteRebuttalHandler rebut,
    GetRecipientLetterHandler letter, MarkLetterMailedHandler mailed) : PageModel
{
    public AmendmentDetail? Detail { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetAmendmentQuery(id), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Detail = result.Value;
        return Page();
    }

    public async Task<IActionResult> OnPostRouteAsync(Guid id, Guid? practitionerId, string? npi, uint version, CancellationToken ct)
    {
        var result = await route.HandleAsync(new RouteAmendmentCommand(id, string.IsNullOrWhiteSpace(npi) ? practitionerId : null, npi, version), ct);
        return result.IsSuccess ? Done(id, "routed to the author") : await this.RefuseAsync(result.Error!, () => OnGetAsync(id, ct));
    }

    public async Task<IActionResult> OnPostExtendAsync(Guid id, string? reason, uint version, CancellationToken ct)
    {
        var result = await extend.HandleAsync(new ExtendAmendmentCommand(id, reason ?? "", version), ct);
        return result.IsSuccess ? Done(id, "extended; the notice letter is in the patient's portal") : await this.RefuseAsync(result.Error!, () => OnGetAsync(id, ct));
    }

    public async Task<IActionResult> OnPostRebutAsync(Guid id, string? rebuttal, uint version, CancellationToken ct)
    {
        var result = await rebut.HandleAsync(new WriteRebuttalCommand(id, rebuttal ?? "", version), ct);
        return result.IsSuccess ? Done(id, "rebuttal written; the patient's copy is in their portal") : await this.RefuseAsync(result.Error!, () => OnGetAsync(id, ct));
    }

    public async Task<IActionResult> OnGetLetterAsync(Guid id, Guid recipientId, CancellationToken ct)
    {
        var result = await letter.HandleAsync(new GetRecipientLetterQuery(id, recipientId), ct);
        return result.IsSuccess ? File(result.Value!.Content, "application/pdf", result.Value.FileName) : this.Refuse(result.Error!);
    }

    public async Task<IActionResult> OnPostMailedAsync(Guid id, Guid recipientId, uint version, CancellationToken ct)
    {
        var result = await mailed.HandleAsync(new MarkLetterMailedCommand(id, recipientId, version), ct);
        return result.IsSuccess ? Done(id, "letter marked printed and mailed") : await this.RefuseAsync(result.Error!, () => OnGetAsync(id, ct));
    }

    private RedirectToPageResult Done(Guid id, string what)
    {
        TempData["AmendmentDone"] = what;
        return RedirectToPage(new { id });
    }
}
