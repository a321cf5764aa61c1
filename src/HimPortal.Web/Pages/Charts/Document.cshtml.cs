using HimPortal.Application.Access;
using HimPortal.Application.Documents.ViewFiledDocument;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Charts;

/// <summary>
/// A filed scanned document in the chart: its pages, one at a time, for those who may read notes (the chart gate decides,
/// as for a note). Each page image is served through the gate and its view audited with the patient's id.
/// </summary>
public sealed class DocumentModel(ViewFiledDocumentHandler document, ViewFiledPageHandler pages, TimeProvider clock) : PageModel
{
    public ChartRead<FiledDocumentView> Read { get; private set; } = ChartRead<FiledDocumentView>.NotFound();

    public DateOnly Today { get; private set; }

    // Not "page": Razor Pages binds its own "page" route value (the page's path) first, so ?page=1 always showed page 1.
    [BindProperty(SupportsGet = true, Name = "shown")]
    public int Shown { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid patientId, Guid documentId, CancellationToken ct)
    {
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        Read = await document.HandleAsync(new ViewFiledDocumentQuery(patientId, documentId), ct);
        if (Read.Content is { } view)
        {
            Shown = Math.Clamp(Shown, 0, Math.Max(0, view.Pages.Count - 1));
        }

        return this.Answer(Read, patientId);
    }

    public async Task<IActionResult> OnGetImageAsync(Guid patientId, Guid documentId, int ordinal, CancellationToken ct)
    {
        var read = await pages.HandleAsync(new ViewFiledPageQuery(patientId, documentId, ordinal), ct);
        if (read.Status != ChartReadStatus.Shown)
        {
            return read.Status == ChartReadStatus.Denied ? Forbid() : NotFound();
        }

        Response.Headers.CacheControl = "private, no-store";
        return File(read.Content!.Bytes, read.Content.ContentType);
    }
}
