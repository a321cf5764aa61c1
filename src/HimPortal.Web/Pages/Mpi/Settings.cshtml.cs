using HimPortal.Application.Mpi.GetMatchSettings;
using HimPortal.Application.Mpi.ScanIndexNow;
using HimPortal.Application.Mpi.UpdateMatchSettings;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Mpi;

/// <summary>The matcher's settings for HIM managers (page policy Mpi.Configure; the handlers re-check): thresholds, switches, weights, a scan now.</summary>
public sealed class SettingsModel(GetMatchSettingsHandler get, UpdateMatchSettingsHandler update, ScanIndexNowHandler scan) : PageModel
{
    public MatchSettingsView Current { get; private set; } = null!;

    [BindProperty]
    public SettingsInput Input { get; set; } = new();

    public sealed class SettingsInput
    {
        public bool AutoLinkEnabled { get; set; }

        public double AutoLinkThreshold { get; set; }

        public double ReviewThreshold { get; set; }

        public bool SecondReviewerForClinicalData { get; set; }

        public List<FieldInput> Fields { get; set; } = [];

        public uint Version { get; set; }
    }

    public sealed class FieldInput
    {
        public string Field { get; set; } = "";

        public double M { get; set; }

        public double U { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var shown = await ShowAsync(ct);
        if (shown is PageResult)
        {
            Input = new SettingsInput
            {
                AutoLinkEnabled = Current.AutoLinkEnabled, AutoLinkThreshold = Current.AutoLinkThreshold, ReviewThreshold = Current.ReviewThreshold,
                SecondReviewerForClinicalData = Current.SecondReviewerForClinicalData, Version = Current.Version,
                Fields = [.. Current.Fields.Select(f => new FieldInput { Field = f.Field, M = f.M, U = f.U })],
            };
        }

        return shown;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await update.HandleAsync(new UpdateMatchSettingsCommand(Input.AutoLinkEnabled, Input.AutoLinkThreshold, Input.ReviewThreshold,
            Input.SecondReviewerForClinicalData, [.. Input.Fields.Select(f => new FieldWeightInput(f.Field, f.M, f.U))], Input.Version), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = "Matching settings saved; new scores use them.";
            return RedirectToPage();
        }

        return await this.RefuseAsync(result.Error!, () => ShowAsync(ct));
    }

    public async Task<IActionResult> OnPostScanAsync(CancellationToken ct)
    {
        var result = await scan.HandleAsync(new ScanIndexNowCommand(), ct);
        return result.IsSuccess ? RedirectToPage("/Jobs/Job", new { id = result.Value }) : await this.RefuseAsync(result.Error!, () => ShowAsync(ct));
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetMatchSettingsQuery(), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Current = result.Value!;
        return Page();
    }
}
