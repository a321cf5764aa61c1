using HimPortal.Application.Completion.Configure.GetConfiguration;
using HimPortal.Application.Completion.Configure.OrderModes;
using HimPortal.Application.Completion.Configure.ProcedureKinds;
using HimPortal.Application.Completion.Configure.UpdateSettings;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Completion.Settings;

/// <summary>
/// The HIM manager's chart-completion configuration (issue 18 item 1): the rules (each edited on its own page), the
/// settings, the order-mode mapping and the procedure kinds. Completion.Manage (folder policy); the handlers check it
/// again, check versions and audit each change.
/// </summary>
public sealed class IndexModel(
    GetConfigurationHandler get, UpdateSettingsHandler settings, AddOrderModeHandler addMode, RemoveOrderModeHandler removeMode,
    SaveProcedureKindHandler saveKind) : PageModel
{
    public CompletionConfiguration Configuration { get; private set; } = null!;

    [BindProperty]
    public SettingsInput Settings { get; set; } = new();

    [BindProperty]
    public ModeInput Mode { get; set; } = new();

    [BindProperty]
    public KindInput Kind { get; set; } = new();

    [BindProperty]
    public Guid RemoveModeId { get; set; }

    public sealed class SettingsInput
    {
        public DateOnly? GoLive { get; set; }

        public string? NoticeDaysBefore { get; set; }

        public int EscalateAfterDays { get; set; }

        public int SuspendAfterDays { get; set; }

        public bool LeavePausesDeadlines { get; set; }

        public uint Version { get; set; }
    }

    public sealed class ModeInput
    {
        public string? Coding { get; set; }

        public string? Mode { get; set; }
    }

    public sealed class KindInput
    {
        public string? System { get; set; } = "http://snomed.info/sct";

        public string? Code { get; set; }

        public string? Display { get; set; }

        public bool Surgery { get; set; }

        public bool Anesthesia { get; set; }

        public bool Consent { get; set; }

        public uint? Version { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var shown = await ShowAsync(ct);
        if (shown is PageResult)
        {
            var s = Configuration.Settings;
            Settings = new SettingsInput
            {
                GoLive = s.GoLive, NoticeDaysBefore = string.Join(", ", s.NoticeDaysBefore), EscalateAfterDays = s.EscalateAfterDays,
                SuspendAfterDays = s.SuspendAfterDays, LeavePausesDeadlines = s.LeavePausesDeadlines, Version = s.Version,
            };
        }

        return shown;
    }

    public async Task<IActionResult> OnPostSettingsAsync(CancellationToken ct)
    {
        var days = new List<int>();
        foreach (var part in (Settings.NoticeDaysBefore ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var day))
            {
                ModelState.AddModelError("Settings.NoticeDaysBefore", "Notice days are whole numbers separated by commas (7, 3, 1).");
                return await ShowAsync(ct);
            }

            days.Add(day);
        }

        return await this.AfterAsync(await settings.HandleAsync(new UpdateSettingsCommand(Settings.GoLive, days, Settings.EscalateAfterDays, Settings.SuspendAfterDays,
            Settings.LeavePausesDeadlines, Settings.Version), ct), "Settings saved; open stays are analysed again where they depend on them.", "Settings", () => ShowAsync(ct));
    }

    public async Task<IActionResult> OnPostAddModeAsync(CancellationToken ct) =>
        await this.AfterAsync(await addMode.HandleAsync(new AddOrderModeCommand(Mode.Coding ?? "", Mode.Mode ?? ""), ct), "Order mode mapped.", "Mode", () => ShowAsync(ct));

    public async Task<IActionResult> OnPostRemoveModeAsync(CancellationToken ct) =>
        await this.AfterAsync(await removeMode.HandleAsync(new RemoveOrderModeCommand(RemoveModeId), ct), "Order mode removed.", "", () => ShowAsync(ct));

    public async Task<IActionResult> OnPostKindAsync(CancellationToken ct) =>
        await this.AfterAsync(await saveKind.HandleAsync(new SaveProcedureKindCommand(Kind.System ?? "", Kind.Code ?? "", Kind.Display ?? "", Kind.Surgery, Kind.Anesthesia,
            Kind.Consent, Kind.Version), ct), "Procedure kind saved.", "Kind", () => ShowAsync(ct));

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetConfigurationQuery(), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Configuration = result.Value!;
        return Page();
    }
}
