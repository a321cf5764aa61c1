using HimPortal.Application.Documents.QualityControl;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Intake.QualityReview;

/// <summary>The HIM manager's QA settings (page policy Intake.Configure; the handler re-checks it). Shown from the figures' handler.</summary>
public sealed class SettingsModel(GetQualityFiguresHandler figures, UpdateQualitySettingsHandler update) : PageModel
{
    public QualitySettings Current { get; private set; } = null!;

    [BindProperty]
    public SettingsInput Input { get; set; } = new();

    public sealed class SettingsInput
    {
        /// <summary>Percent, 0–100.</summary>
        public decimal RatePercent { get; set; }

        public int NewClerkDocuments { get; set; }

        public uint? Version { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var shown = await ShowAsync(ct);
        if (shown is PageResult)
        {
            Input = new SettingsInput { RatePercent = Current.Rate * 100m, NewClerkDocuments = Current.NewClerkDocuments, Version = Current.Version };
        }

        return shown;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await update.HandleAsync(new UpdateQualitySettingsCommand(Input.RatePercent / 100m, Input.NewClerkDocuments, Input.Version), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = "QA settings saved; they apply from the sampler's next run.";
            return RedirectToPage();
        }

        return await this.RefuseAsync(result.Error!, () => ShowAsync(ct));
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        var result = await figures.HandleAsync(new GetQualityFiguresQuery(1), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Current = result.Value!.Settings;
        return Page();
    }
}
