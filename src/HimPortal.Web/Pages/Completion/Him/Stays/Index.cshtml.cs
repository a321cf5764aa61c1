using HimPortal.Application.Common;
using HimPortal.Application.Completion.Him.AddManualDeficiency;
using HimPortal.Application.Completion.Him.ClearDeficiency;
using HimPortal.Application.Completion.Him.GetStay;
using HimPortal.Application.Completion.Him.MarkStayComplete;
using HimPortal.Application.Completion.Him.ReanalyseStay;
using HimPortal.Application.Completion.Him.ReassignDeficiency;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Completion.Him.Stays;

/// <summary>
/// One stay as the HIM analyst works it (issue 18 item 2): its deficiencies with their history and its documents; reassign,
/// add a manual deficiency, clear, mark complete, analyse again. Completion.Analyse (folder policy); each handler checks it
/// again, checks the version the analyst saw and audits. Post/Redirect/Get.
/// </summary>
public sealed class IndexModel(
    GetStayHandler get, ReassignDeficiencyHandler reassign, AddManualDeficiencyHandler manual, ClearDeficiencyHandler clear,
    MarkStayCompleteHandler complete, ReanalyseStayHandler reanalyse, HospitalTime time, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid EncounterId { get; set; }

    public StayView Stay { get; private set; } = null!;

    public DateTimeOffset Now { get; private set; }

    [BindProperty]
    public ReassignInput Reassign { get; set; } = new();

    [BindProperty]
    public ManualInput Manual { get; set; } = new();

    [BindProperty]
    public ClearInput Clear { get; set; } = new();

    [BindProperty]
    public uint StayVersion { get; set; }

    public sealed class ReassignInput
    {
        public Guid DeficiencyId { get; set; }

        public Guid? PractitionerId { get; set; }

        public string? Practitioner { get; set; }

        public string? Note { get; set; }

        public uint Version { get; set; }
    }

    public sealed class ManualInput
    {
        public string? Description { get; set; }

        public Guid? PractitionerId { get; set; }

        public string? Practitioner { get; set; }

        public DateOnly? Due { get; set; }
    }

    public sealed class ClearInput
    {
        public Guid DeficiencyId { get; set; }

        public string? Reason { get; set; }

        public uint Version { get; set; }
    }

    public string When(DateTimeOffset? at) => at is { } value ? time.Format(value) : "—";

    public DateOnly Today => time.DayOf(clock.GetUtcNow());

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(ct);

    public async Task<IActionResult> OnPostReassignAsync(CancellationToken ct) =>
        await this.AfterAsync(await reassign.HandleAsync(new ReassignDeficiencyCommand(Reassign.DeficiencyId, Reassign.PractitionerId,
            Empty(Reassign.Practitioner), Empty(Reassign.Note), Reassign.Version), ct), "Deficiency assigned.", "Reassign", () => ShowAsync(ct), new { encounterId = EncounterId });

    public async Task<IActionResult> OnPostManualAsync(CancellationToken ct) =>
        await this.AfterAsync(await manual.HandleAsync(new AddManualDeficiencyCommand(EncounterId, Manual.Description ?? "", Manual.PractitionerId,
            Empty(Manual.Practitioner), Manual.Due), ct), "Manual deficiency added.", "Manual", () => ShowAsync(ct), new { encounterId = EncounterId });

    public async Task<IActionResult> OnPostClearAsync(CancellationToken ct) =>
        await this.AfterAsync(await clear.HandleAsync(new ClearDeficiencyCommand(Clear.DeficiencyId, Clear.Reason ?? "", Clear.Version), ct), "Deficiency cleared.", "Clear", () => ShowAsync(ct), new { encounterId = EncounterId });

    public async Task<IActionResult> OnPostCompleteAsync(CancellationToken ct) =>
        await this.AfterAsync(await complete.HandleAsync(new MarkStayCompleteCommand(EncounterId, StayVersion), ct), "The stay is marked complete.", "", () => ShowAsync(ct), new { encounterId = EncounterId });

    public async Task<IActionResult> OnPostReanalyseAsync(CancellationToken ct) =>
        await this.AfterAsync(await reanalyse.HandleAsync(new ReanalyseStayCommand(EncounterId), ct), "The stay is queued for analysis.", "", () => ShowAsync(ct), new { encounterId = EncounterId });

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        var result = await get.HandleAsync(new GetStayQuery(EncounterId), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Stay = result.Value!;
        StayVersion = Stay.Version;
        ModelState.Remove(nameof(StayVersion));
        return Page();
    }

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
