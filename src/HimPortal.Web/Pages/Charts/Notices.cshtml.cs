using HimPortal.Application.Charts.SafetyNotices;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Charts;

/// <summary>The signed-in clinician's patient-safety notices (page policy Charts.Read; the handlers re-check it).</summary>
public sealed class NoticesModel(ListSafetyNoticesHandler list, AcknowledgeSafetyNoticeHandler acknowledge, Application.Common.HospitalTime hospital) : PageModel
{
    public IReadOnlyList<SafetyNoticeItem> Notices { get; private set; } = [];

    public Application.Common.HospitalTime Hospital => hospital;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await list.HandleAsync(new ListSafetyNoticesQuery(IncludeAcknowledged: true), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Notices = result.Value!;
        return Page();
    }

    public async Task<IActionResult> OnPostAcknowledgeAsync(Guid id, uint version, CancellationToken ct)
    {
        var result = await acknowledge.HandleAsync(new AcknowledgeSafetyNoticeCommand(id, version), ct);
        return result.IsSuccess ? RedirectToPage() : this.Refuse(result.Error!);
    }
}
