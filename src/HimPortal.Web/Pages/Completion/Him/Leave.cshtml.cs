using HimPortal.Application.Common;
using HimPortal.Application.Completion.Him.Leave;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Completion.Him;

/// <summary>Physicians' leave (issue 18 item 2): record and cancel; either queues the physician's open stays for analysis. Completion.Analyse.</summary>
public sealed class LeaveModel(ListLeaveHandler list, RecordLeaveHandler record, CancelLeaveHandler cancel, HospitalTime time, TimeProvider clock) : PageModel
{
    public IReadOnlyList<LeaveRow> Rows { get; private set; } = [];

    [BindProperty]
    public LeaveInput Input { get; set; } = new();

    [BindProperty]
    public Guid CancelId { get; set; }

    [BindProperty]
    public uint CancelVersion { get; set; }

    public sealed class LeaveInput
    {
        public string? Practitioner { get; set; }

        public DateOnly? From { get; set; }

        public DateOnly? Until { get; set; }

        public string? Reason { get; set; }
    }

    public DateOnly Today => time.DayOf(clock.GetUtcNow());

    public string When(DateTimeOffset at) => time.Format(at);

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await record.HandleAsync(new RecordLeaveCommand(null, Input.Practitioner?.Trim(), Input.From, Input.Until, Input.Reason?.Trim() ?? ""), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = "Leave recorded; the physician's open stays are queued for analysis.";
            return RedirectToPage();
        }

        return await this.RefuseAsync(FormErrors.Prefixed(result.Error!, "Input"), () => ShowAsync(ct));
    }

    public async Task<IActionResult> OnPostCancelAsync(CancellationToken ct)
    {
        var result = await cancel.HandleAsync(new CancelLeaveCommand(CancelId, CancelVersion), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = "Leave cancelled; the physician's open stays are queued for analysis.";
            return RedirectToPage();
        }

        return await this.RefuseAsync(result.Error!, () => ShowAsync(ct));
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        var result = await list.HandleAsync(new ListLeaveQuery(), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Rows = result.Value!;
        return Page();
    }
}
