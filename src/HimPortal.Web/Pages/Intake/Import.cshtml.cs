using HimPortal.Application.Intake;
using HimPortal.Application.Intake.ImportFolder;
using HimPortal.Application.Intake.UploadBundles;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace HimPortal.Web.Pages.Intake;

/// <summary>
/// An HIM clerk uploads FHIR bundles (or picks a configured server folder): the files are kept and an import job is
/// queued, and the page goes at once to the job's page, which shows its progress and each file's result. The import
/// never runs inside the request. The folder policy (Intake.Import) guards the page; the handlers check it again.
/// </summary>
[RequestSizeLimit(MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxRequestBytes)]
public sealed class ImportModel(UploadBundlesHandler upload, ImportFolderHandler importFolder, IOptions<IntakeOptions> options) : PageModel
{
    public const long MaxRequestBytes = 512L * 1024 * 1024;

    public sealed class InputModel
    {
        public List<IFormFile> Files { get; set; } = [];
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public long MaxBundleBytes => options.Value.MaxBundleBytes;

    public IReadOnlyCollection<string> ServerFolders => options.Value.ServerFolders.Keys;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var files = Input.Files.Select(f => new UploadedBundle(NameOf(f), f.Length, f.OpenReadStream)).ToList();
        var result = await upload.HandleAsync(new UploadBundlesCommand(files), ct);
        return result.IsSuccess ? RedirectToPage("/Jobs/Job", new { id = result.Value }) : this.Refuse(result.Error!, Page);
    }

    public async Task<IActionResult> OnPostFolderAsync(string? folder, CancellationToken ct)
    {
        var result = await importFolder.HandleAsync(new ImportFolderCommand(folder), ct);
        return result.IsSuccess ? RedirectToPage("/Jobs/Job", new { id = result.Value }) : this.Refuse(result.Error!, Page);
    }

    /// <summary>The client's file name without any folder it may send (some browsers send a whole Windows path); it names the row and the audit entry.</summary>
    private static string NameOf(IFormFile file) => file.FileName[(file.FileName.LastIndexOfAny(['/', '\\']) + 1)..];
}
