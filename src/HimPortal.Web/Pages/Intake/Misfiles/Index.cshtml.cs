using HimPortal.Application.Documents.CorrectMisfile;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Intake.Misfiles;

/// <summary>
/// Moves a filed document to the patient it belongs to (folder policy Records.Correct; the handlers re-check it). Reached
/// from the QA review (which it then closes as a patient correction) and, after the merge, from the chart's document page.
/// </summary>
public sealed class IndexModel(GetMisfileHandler get, CorrectMisfileHandler correct) : PageModel
{
    public MisfileView Item { get; private set; } = null!;

    [BindProperty]
    public MoveInput Input { get; set; } = new();

    public sealed class MoveInput
    {
        public string? ToPatientMrn { get; set; }

        public string? Reason { get; set; }

        public uint Version { get; set; }

        public Guid? Review { get; set; }

        public uint? ReviewVersion { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(Guid id, Guid? review, uint? reviewVersion, CancellationToken ct)
    {
        var shown = await ShowAsync(id, ct);
        Input = new MoveInput { Version = Item?.Version ?? 0, Review = review, ReviewVersion = reviewVersion };
        return shown;
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var result = await correct.HandleAsync(new CorrectMisfileCommand(id, Input.ToPatientMrn, null, Input.Reason, Input.Version, Input.Review, Input.ReviewVersion), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = result.Value!.IncidentId is null
                ? "Document moved to the right patient. It was not viewed outside indexing and QA: no privacy incident."
                : $"Document moved to the right patient. It had been viewed under the wrong patient: privacy incident opened for compliance; {result.Value.NoticesSent} clinician notice(s) sent.";
            return Input.Review is null ? RedirectToPage(new { id }) : RedirectToPage("/Intake/QualityReview/Index");
        }

        return await this.RefuseAsync(result.Error!, () => ShowAsync(id, ct));
    }

    private async Task<IActionResult> ShowAsync(Guid id, CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetMisfileQuery(id), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Item = result.Value!;
        return Page();
    }
}
