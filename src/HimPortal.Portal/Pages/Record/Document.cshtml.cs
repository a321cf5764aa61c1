using System.Globalization;
using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Portal.Record;
using HimPortal.Portal.Security;
using Microsoft.AspNetCore.Mvc;

namespace HimPortal.Portal.Pages.Record;

/// <summary>
/// A scanned or faxed document's pages (issue 19 item 3), one picture a page, each with its caption and a download link.
/// The id is only looked for in the current person's records: any other, a hidden one, or one not filed, is not found
/// (audited). Page images are streamed from the store (FileStreamResult copies in chunks and disposes the stream).
/// </summary>
public sealed class DocumentModel(ReadMyDocumentHandler documents, ReadMyDocumentPageHandler pages, CurrentPerson current, HospitalTime hospital)
    : RecordPage(hospital)
{
    public ChartRead<MyDocumentView> Read { get; private set; } = ChartRead<MyDocumentView>.NotFound();

    public MyDocumentView Document => Read.Content!;

    public static string Date(DateOnly? date) => date?.ToString("d MMM yyyy", CultureInfo.InvariantCulture) ?? "no date on it";

    /// <summary>
    /// The address of one page's image; <paramref name="download"/> asks for it as a file to keep. "ordinal", not "page":
    /// Razor Pages' own route value "page" would be bound before the query string.
    /// </summary>
    public static string ImageLink(Guid documentId, int ordinal, bool download = false) =>
        $"/Record/Document?handler=Image&id={documentId:D}&ordinal={ordinal.ToString(CultureInfo.InvariantCulture)}{(download ? "&download=true" : "")}";

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            return RedirectToPage("/People/Index");
        }

        Read = await documents.HandleAsync(new ReadMyDocumentQuery(patientId, id), ct);
        return Answer(Read);
    }

    public async Task<IActionResult> OnGetImageAsync(Guid id, int ordinal, bool download, CancellationToken ct)
    {
        // Patient data: kept by no cache, the browser's included.
        Response.Headers.CacheControl = "no-store";
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            return NotFound();
        }

        var read = await pages.HandleAsync(new ReadMyDocumentPageQuery(patientId, id, ordinal), ct);
        if (read.Status != ChartReadStatus.Shown)
        {
            return NotFound();
        }

        var image = read.Content!;
        Response.Headers.XContentTypeOptions = "nosniff";
        return download
            ? File(image.Content, image.ContentType, $"document-page-{(image.Ordinal + 1).ToString(CultureInfo.InvariantCulture)}.png")
            : File(image.Content, image.ContentType);
    }
}
