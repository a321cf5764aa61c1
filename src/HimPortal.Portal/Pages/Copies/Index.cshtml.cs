using HimPortal.Application.Roi.Portal.ListMyCopies;
using HimPortal.Portal.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Portal.Pages.Copies;

/// <summary>
/// The person's copies and where each stands. While one is still open the page reloads itself every 30 seconds by the
/// HTTP Refresh header (no script under the CSP), and says so with a way to stop it (WCAG 2.2.1, timing adjustable).
/// </summary>
public sealed class IndexModel(ListMyCopiesHandler handler, CurrentPerson current) : PageModel
{
    public const int RefreshSeconds = 30;

    public MyCopies? Copies { get; private set; }

    public bool NoOne { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    /// <summary>"off" stops the page updating itself.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Live { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sent { get; set; }

    public bool Updating { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            NoOne = true;
            return Page();
        }

        var result = await handler.HandleAsync(new ListMyCopiesQuery(patientId, After), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Copies = result.Value;
        Updating = Live != "off" && Copies!.Items.Any(c => c.Status is "Received" || c.Status.StartsWith("In progress", StringComparison.Ordinal));
        if (Updating)
        {
            Response.Headers["Refresh"] = RefreshSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        Response.Headers.CacheControl = "no-store";
        return Page();
    }
}
