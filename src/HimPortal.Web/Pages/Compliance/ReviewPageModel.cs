using HimPortal.Application.Common;
using HimPortal.Application.Compliance.Reviews;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Compliance;

/// <summary>
/// A page that shows one reviewed item (a break-the-glass access, an alert) and records its disposition: GET shows it,
/// POST reviews it and goes back to the queue, or shows it again with the reason the review was refused.
/// </summary>
public abstract class ReviewPageModel<TView> : PageModel
    where TView : class
{
    public TView Item { get; private set; } = null!;

    public string? Disposition { get; private set; }

    public string? Notes { get; private set; }

    protected abstract string QueuePage { get; }

    protected abstract string Recorded(string disposition);

    protected abstract Task<Result<TView>> LoadAsync(Guid id, CancellationToken ct);

    protected abstract Task<Result<string>> ReviewAsync(ReviewCommand command, CancellationToken ct);

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => ShowAsync(id, ct);

    public async Task<IActionResult> OnPostReviewAsync(Guid id, string? disposition, string? notes, uint version, CancellationToken ct)
    {
        var result = await ReviewAsync(new ReviewCommand(id, disposition, notes, version), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = Recorded(ReviewRules.Label(result.Value));
            return RedirectToPage(QueuePage);
        }

        Disposition = disposition;
        Notes = notes;
        return await this.RefuseAsync(result.Error!, () => ShowAsync(id, ct));
    }

    private async Task<IActionResult> ShowAsync(Guid id, CancellationToken ct)
    {
        var result = await LoadAsync(id, ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Item = result.Value!;
        return Page();
    }
}
