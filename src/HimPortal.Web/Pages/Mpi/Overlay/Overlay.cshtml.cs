using HimPortal.Application.Mpi.CorrectOverlay;
using HimPortal.Application.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Mpi.Overlay;

/// <summary>
/// Two people in one record: pick the other person's items and name their record by MRN; the writer's correction moves
/// them (Mpi.Review and Records.Correct: folder policies; the handlers check Records.Correct again).
/// </summary>
public sealed class OverlayModel(GetOverlayHandler get, CorrectOverlayHandler correct, HospitalTime time) : PageModel
{
    public OverlayView Record { get; private set; } = null!;

    [BindProperty]
    public CorrectInput Input { get; set; } = new();

    public sealed class CorrectInput
    {
        public List<string> Items { get; set; } = [];

        public string? ToPatientMrn { get; set; }

        public string? Reason { get; set; }

        public long RecordVersion { get; set; }
    }

    public string At(DateTimeOffset? at) => at is { } value ? time.Format(value) : "—";

    public async Task<IActionResult> OnGetAsync(Guid patientId, CancellationToken ct)
    {
        var shown = await ShowAsync(patientId, ct);
        Input = new CorrectInput { RecordVersion = Record?.RecordVersion ?? 0 };
        return shown;
    }

    public async Task<IActionResult> OnPostAsync(Guid patientId, CancellationToken ct)
    {
        var result = await correct.HandleAsync(new CorrectOverlayCommand(patientId, Input.ToPatientMrn, Input.Items, Input.Reason, Input.RecordVersion), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = result.Value!.IncidentId is null
                ? $"{result.Value.Items} item(s) moved to the right record. The chart was not opened outside HIM work meanwhile: no privacy incident."
                : $"{result.Value.Items} item(s) moved to the right record. The chart had been opened outside HIM work: privacy incident opened for compliance; {result.Value.NoticesSent} clinician notice(s) sent.";
            return RedirectToPage(new { patientId });
        }

        return await this.RefuseAsync(result.Error!, () => ShowAsync(patientId, ct));
    }

    private async Task<IActionResult> ShowAsync(Guid patientId, CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetOverlayQuery(patientId), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Record = result.Value!;
        return Page();
    }
}
