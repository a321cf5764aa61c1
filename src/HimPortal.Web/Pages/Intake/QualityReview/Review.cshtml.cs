using HimPortal.Application.Common;
using HimPortal.Application.Documents.QualityControl;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Intake.QualityReview;

/// <summary>
/// One drawn filing: its pages beside what the clerk filed; confirm, or correct the encounter, type, date, author or
/// signature. A wrong patient goes to the misfile correction page. Handlers re-check permission and the reviewer on GET
/// and POST.
/// </summary>
public sealed class ReviewModel(GetQualityReviewHandler get, CompleteQualityReviewHandler complete, HospitalTime hospital) : PageModel
{
    public QualityReviewView Item { get; private set; } = null!;

    public HospitalTime Hospital => hospital;

    [BindProperty]
    public CorrectionInput Input { get; set; } = new();

    public sealed class CorrectionInput
    {
        public uint ReviewVersion { get; set; }

        public uint DocumentVersion { get; set; }

        public Guid? EncounterId { get; set; }

        public Guid? DocumentTypeId { get; set; }

        public DateOnly? DocumentDate { get; set; }

        public string? Author { get; set; }

        public bool BearsSignature { get; set; }

        public DateTimeOffset? SignedAt { get; set; }

        public string? Notes { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var shown = await ShowAsync(id, ct);
        if (shown is PageResult)
        {
            Input = new CorrectionInput
            {
                ReviewVersion = Item.ReviewVersion, DocumentVersion = Item.DocumentVersion, EncounterId = Item.EncounterId, DocumentTypeId = Item.DocumentTypeId,
                DocumentDate = Item.DocumentDate, Author = Item.Author, BearsSignature = Item.BearsSignature, SignedAt = Item.SignedAt,
            };
        }

        return shown;
    }

    public Task<IActionResult> OnPostConfirmAsync(Guid id, CancellationToken ct) =>
        CompleteAsync(id, new CompleteQualityReviewCommand(id, Input.ReviewVersion, Input.DocumentVersion, QualityOutcomes.Confirm, Notes: Input.Notes), ct);

    public Task<IActionResult> OnPostCorrectAsync(Guid id, CancellationToken ct) =>
        CompleteAsync(id, new CompleteQualityReviewCommand(id, Input.ReviewVersion, Input.DocumentVersion, QualityOutcomes.Correct, Input.EncounterId,
            Input.DocumentTypeId, Input.DocumentDate, Input.Author, Input.BearsSignature, Input.BearsSignature ? Input.SignedAt : null, Input.Notes), ct);

    private async Task<IActionResult> CompleteAsync(Guid id, CompleteQualityReviewCommand command, CancellationToken ct)
    {
        var result = await complete.HandleAsync(command, ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = result.Value!.Corrections is { } fields ? $"Filing corrected ({fields})." : "Filing confirmed.";
            return RedirectToPage("/Intake/QualityReview/Index");
        }

        return await this.RefuseAsync(result.Error!, () => ShowAsync(id, ct));
    }

    private async Task<IActionResult> ShowAsync(Guid id, CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetQualityReviewQuery(id), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Item = result.Value!;
        return Page();
    }
}
