using HimPortal.Application.Portal.Activation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.PortalAccounts;

/// <summary>
/// One patient's activation letters: issue a new one (the older unused code stops working), download each as printed.
/// <c>?proxyGrantId=</c> issues a personal representative's letter (the grants are set up by the portal's proxy pages).
/// </summary>
public sealed class PatientModel(ListActivationLettersHandler list, IssueActivationLetterHandler issue, DownloadActivationLetterHandler download) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? ProxyGrantId { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? Before { get; set; }

    /// <summary>The letter just issued, offered for printing.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? Issued { get; set; }

    public ActivationLetterPage? Letters { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await list.HandleAsync(new ListActivationLettersQuery(Id, Before), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Letters = result.Value;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await issue.HandleAsync(new IssueActivationLetterCommand(Id, ProxyGrantId), ct);
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => OnGetAsync(ct));
        }

        // The grant stays in the address, so the notice tells the clerk to give the letter to the representative.
        return RedirectToPage(new { id = Id, proxyGrantId = ProxyGrantId, issued = result.Value!.LetterId });
    }

    public async Task<IActionResult> OnGetLetterAsync(Guid letterId, CancellationToken ct)
    {
        var result = await download.HandleAsync(new DownloadActivationLetterQuery(Id, letterId), ct);
        return result.IsSuccess ? File(result.Value!.Pdf, "application/pdf", result.Value.FileName) : this.Refuse(result.Error!);
    }
}
