using HimPortal.Application.Intake.ImportBundles;
using HimPortal.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Intake;

/// <summary>
/// An HIM clerk uploads FHIR bundles; each is imported whole or not at all, and audited by the handler. The folder policy
/// (Intake.Import) guards the page. The whole request may carry up to <see cref="MaxRequestBytes"/>; the per-file limit is
/// the handler's own (Intake:MaxBundleBytes), so an oversized file is reported on its row instead of failing the upload.
/// </summary>
[RequestSizeLimit(MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxRequestBytes)]
public sealed class ImportModel(ImportBundlesHandler handler, IConfiguration configuration) : PageModel
{
    public const long MaxRequestBytes = 512L * 1024 * 1024;

    public sealed class InputModel
    {
        public List<IFormFile> Files { get; set; } = [];
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public ImportSummary? Summary { get; private set; }

    public long MaxBundleBytes => configuration.GetValue("Intake:MaxBundleBytes", ImportBundlesHandler.DefaultMaxBundleBytes);

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (Input.Files.Count == 0)
        {
            ModelState.AddModelError(string.Empty, "Choose one or more FHIR bundle files to import.");
            return Page();
        }

        var bundles = Input.Files.Select(f => new BundleFile(NameOf(f), f.Length, f.OpenReadStream)).ToList();
        var result = await handler.HandleAsync(new ImportBundlesCommand(bundles), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        Summary = result.Value;

        // Shown on the POST, not via Post/Redirect/Get: the summary has nowhere to wait, and a re-post re-imports harmlessly.
        return Page();
    }

    /// <summary>The client's file name without any folder it may send (some browsers send a whole Windows path); it names the row and the audit entry.</summary>
    private static string NameOf(IFormFile file) => file.FileName[(file.FileName.LastIndexOfAny(['/', '\\']) + 1)..];
}
