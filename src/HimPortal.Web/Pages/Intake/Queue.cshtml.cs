using HimPortal.Application.Common;
using HimPortal.Application.Documents.ListQueue;
using HimPortal.Application.Documents.Ocr;
using HimPortal.Data.Documents;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Intake;

/// <summary>
/// The HIM clerk's indexing work queue: scanned documents waiting (or held, or dispositioned, for a look back), oldest
/// first, a page at a time by keyset link. Intake.Index (page policy); the handler checks it again.
/// </summary>
public sealed class QueueModel(ListQueueHandler queue, HospitalTime time, TimeProvider clock, GetOcrAvailabilityHandler ocr) : PageModel
{
    public static readonly IReadOnlyList<ScannedDocumentStatus> Statuses = Enum.GetValues<ScannedDocumentStatus>();

    [BindProperty(SupportsGet = true)]
    public ScannedDocumentStatus Status { get; set; } = ScannedDocumentStatus.Unindexed;

    [BindProperty(SupportsGet = true)]
    public string? Source { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    /// <summary>The patient whose chart the clerk has just filed a document to (after the redirect), for a link to it.</summary>
    [BindProperty(SupportsGet = true)]
    public Guid? Chart { get; set; }

    public QueuePage? Queue { get; private set; }

    /// <summary>True when the server says OCR cannot run here (the render worker's check); indexing works without text.</summary>
    public bool OcrMissing { get; private set; }

    public DateTimeOffset Now { get; private set; }

    /// <summary>Whether to offer the misfile correction on filed documents (Records.Correct; its page checks again).</summary>
    public bool MayCorrect => HimPortal.Application.Access.RolePermissions.Grants(
        User.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value), HimPortal.Application.Access.Permissions.RecordsCorrect);

    public string Received(DateTimeOffset at) => time.Format(at);

    public static string Age(TimeSpan age) => age.TotalDays >= 1
        ? $"{(int)age.TotalDays} d {age.Hours} h"
        : age.TotalHours >= 1 ? $"{(int)age.TotalHours} h {age.Minutes} min" : $"{Math.Max(0, (int)age.TotalMinutes)} min";

    public string? NextUrl => Queue?.NextAfter is { } next
        ? Url.Page("/Intake/Queue", new
        {
            status = Status.ToString().ToLowerInvariant(),
            source = Source,
            from = From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            to = To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            after = next,
        })
        : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        var result = await queue.HandleAsync(new ListQueueQuery(Status, Source, From, To, After), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        Queue = result.Value;
        var ocrState = await ocr.HandleAsync(new GetOcrAvailabilityQuery(), ct);
        OcrMissing = ocrState.IsSuccess && !ocrState.Value!.Installed;
        return Page();
    }
}
