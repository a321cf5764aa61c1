using HimPortal.Application.Roi.Portal;
using HimPortal.Application.Roi.Portal.QuoteCopy;
using HimPortal.Application.Roi.Portal.RequestCopy;
using HimPortal.Portal.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Portal.Pages.Copies;

/// <summary>
/// Asking for a copy in two steps: the choice, then the fee with a confirm button (the fee is told before the request is
/// made, 45 CFR 164.524(c)(4)). <c>?to=other</c> asks for an electronic copy sent to someone else (164.524(c)(3)(ii)).
/// </summary>
public sealed class NewModel(QuoteCopyHandler quotes, RequestCopyHandler requests, CurrentPerson current) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty]
    public string What { get; set; } = PortalCopies.Everything;

    [BindProperty]
    public DateOnly? From { get; set; }

    [BindProperty]
    public DateOnly? Until { get; set; }

    [BindProperty]
    public List<string> Kinds { get; set; } = [];

    [BindProperty]
    public string Format { get; set; } = PortalCopies.Pdf;

    [BindProperty]
    public string? RecipientName { get; set; }

    [BindProperty]
    public string? RecipientAddress { get; set; }

    [BindProperty]
    public string? RecipientEmail { get; set; }

    [BindProperty]
    public int FeeShownCents { get; set; }

    public bool ToSomeoneElse => To == "other";

    /// <summary>The fee, once the choice was checked: the page then shows it with the confirm button.</summary>
    public CopyQuote? Quote { get; private set; }

    public bool NoOne { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        NoOne = await current.PatientIdAsync(ct) is null;
        return Page();
    }

    public async Task<IActionResult> OnPostReviewAsync(CancellationToken ct)
    {
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            return NotFound();
        }

        var result = await quotes.HandleAsync(new QuoteCopyQuery(patientId, Choice()), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        if (result.Value!.Refusal is { } refusal)
        {
            ModelState.AddModelError(nameof(Format), refusal);
            return Page();
        }

        Quote = result.Value;
        FeeShownCents = Quote.TotalCents;
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken ct)
    {
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            return NotFound();
        }

        var result = await requests.HandleAsync(new RequestCopyCommand(patientId, Choice(), FeeShownCents), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        return Redirect("/Copies?sent=" + Uri.EscapeDataString(string.Join(", ", result.Value!.Select(r => r.Display))));
    }

    private CopyChoice Choice() => ToSomeoneElse
        ? new CopyChoice(What, From, Until, Kinds, Format, RecipientName ?? "", RecipientAddress, RecipientEmail ?? "")
        : new CopyChoice(What, From, Until, Kinds, Format);
}
