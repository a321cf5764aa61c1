using HimPortal.Application.Portal.Amendments.GetAmendableItem;
using HimPortal.Application.Portal.Amendments.RequestAmendment;
using HimPortal.Portal.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Portal.Pages.Corrections;

/// <summary>
/// Ask for a correction of one item (45 CFR 164.526(a)-(b)): the item as the patient saw it, the change and the reason,
/// and up to three people to tell if it is accepted. The item must be the current person's (the handlers check through
/// the chart gate); any other id is not found.
/// </summary>
public sealed class NewModel(GetAmendableItemHandler item, RequestAmendmentHandler request, CurrentPerson current) : PageModel
{
    public const int RecipientRows = 3;

    [BindProperty(SupportsGet = true)]
    public string? ResourceType { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid ResourceId { get; set; }

    [BindProperty]
    public string? RequestedChange { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public List<NamedRecipient> Recipients { get; set; } = [];

    public AmendableItemView? Item { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await ShowAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            return NotFound();
        }

        var result = await request.HandleAsync(new RequestAmendmentCommand(patientId, ResourceType ?? "", ResourceId, RequestedChange ?? "", Reason ?? "",
            Recipients), ct);
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => ShowAsync(ct));
        }

        TempData["CorrectionDone"] = $"We received your request {result.Value!.Display}. We will answer by the date shown below.";
        return RedirectToPage("Index");
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            return NotFound();
        }

        var result = await item.HandleAsync(new GetAmendableItemQuery(patientId, ResourceType ?? "", ResourceId), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Item = result.Value;
        while (Recipients.Count < RecipientRows)
        {
            Recipients.Add(new NamedRecipient(null, null));
        }

        return Page();
    }
}
