using HimPortal.Application.Documents;
using HimPortal.Application.Documents.UploadDocuments;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace HimPortal.Web.Pages.Intake;

/// <summary>
/// An HIM clerk uploads scanned or faxed documents (PDF, TIFF; several at once): the files are staged and a capture job
/// queued, and the page goes at once to the job's page, which shows each file's outcome. The folder policy
/// (Intake.Import) guards the page; the handler checks it again.
/// </summary>
[RequestSizeLimit(MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxRequestBytes)]
public sealed class UploadDocumentsModel(UploadDocumentsHandler upload, IOptions<DocumentsOptions> options) : PageModel
{
    public const long MaxRequestBytes = 1024L * 1024 * 1024;

    public sealed class InputModel
    {
        public List<IFormFile> Files { get; set; } = [];
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public long MaxFileBytes => options.Value.MaxFileBytes;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var files = Input.Files.Select(f => new UploadedDocument(NameOf(f), f.Length, f.OpenReadStream)).ToList();
        var result = await upload.HandleAsync(new UploadDocumentsCommand(files), ct);
        return result.IsSuccess ? RedirectToPage("/Jobs/Job", new { id = result.Value }) : this.Refuse(result.Error!, Page);
    }

    /// <summary>The client's file name without any folder it may send (some browsers send a whole Windows path).</summary>
    private static string NameOf(IFormFile file) => file.FileName[(file.FileName.LastIndexOfAny(['/', '\\']) + 1)..];
}
