using HimPortal.Application.Common;
using HimPortal.Application.Roi.ExtendRequest;
using HimPortal.Application.Roi.GetLetter;
using HimPortal.Application.Roi.GetRequest;
using HimPortal.Application.Roi.MoveRequest;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Roi.Requests;

/// <summary>
/// One request (issue 17 item 1): every field, attached documents, the clock with its rule, letters, the timeline, and the
/// actions of the request's own steps (validating, waiting for information, processing, withdraw, the extension notice).
/// Roi.Process (folder); the handlers check again and audit.
/// </summary>
public sealed class OverviewModel(GetRequestHandler get, MoveRequestHandler move, ExtendRequestHandler extend, GetLetterHandler letter, HospitalTime hospital)
    : PageModel
{
    public RequestView View { get; private set; } = null!;

    [BindProperty]
    public string? To { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public string? Reasons { get; set; }

    [BindProperty]
    public uint Version { get; set; }

    public string When(DateTimeOffset at) => hospital.Format(at);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await ShowAsync(id, ct);

    public async Task<IActionResult> OnGetLetterAsync(Guid id, Guid letterId, CancellationToken ct)
    {
        var result = await letter.HandleAsync(new GetLetterQuery(id, letterId), ct);
        return result.IsSuccess ? File(result.Value!.Pdf, "application/pdf", result.Value.FileName) : this.Refuse(result.Error!);
    }

    public async Task<IActionResult> OnPostMoveAsync(Guid id, CancellationToken ct)
    {
        var result = await move.HandleAsync(new MoveRequestCommand(id, To ?? "", Reason, Version), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = $"Moved to {To}.";
            return Redirect($"/Roi/Requests/{id}");
        }

        return await this.RefuseAsync(result.Error!, () => ShowAsync(id, ct));
    }

    public async Task<IActionResult> OnPostExtendAsync(Guid id, CancellationToken ct)
    {
        var result = await extend.HandleAsync(new ExtendRequestCommand(id, Reasons ?? "", Version), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = $"Extension notice written; the request is now due {result.Value!.NewDueDay:yyyy-MM-dd}. Send the letter.";
            return Redirect($"/Roi/Requests/{id}");
        }

        return await this.RefuseAsync(result.Error!, () => ShowAsync(id, ct));
    }

    private async Task<IActionResult> ShowAsync(Guid id, CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetRequestQuery(id), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        View = result.Value!;
        return Page();
    }
}
