using HimPortal.Application.Common;
using HimPortal.Application.Compliance.Integrity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Compliance;

/// <summary>
/// Tamper evidence (folder policy Audit.Review): verify the audit hash chain (whole, or a range of days) in the background
/// and see the results; check an export's last row against the log; read the lane heads to keep as an outside anchor.
/// </summary>
public sealed class IntegrityModel(
    ListVerificationsHandler list,
    RequestVerificationHandler request,
    CheckExportedRowHandler checkRow,
    HospitalTime hospital) : PageModel
{
    public IntegrityOverview Overview { get; private set; } = new([], []);

    public HospitalTime Hospital => hospital;

    public ExportedRowCheck? RowCheck { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? RowId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Hash { get; set; }

    public bool Pending => Overview.Verifications.Any(v => v.Status is "queued" or "running");

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(RowId) || !string.IsNullOrWhiteSpace(Hash))
        {
            var check = await checkRow.HandleAsync(new CheckExportedRowQuery(RowId, Hash), ct);
            if (check.IsSuccess)
            {
                RowCheck = check.Value;
            }
            else if (check.Error!.Kind is ErrorKind.Invalid)
            {
                ModelState.AddModelError(string.Empty, check.Error.Message);
            }
            else
            {
                return this.Refuse(check.Error);
            }
        }

        return await ShowAsync(ct);
    }

    public async Task<IActionResult> OnPostVerifyAsync(DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var result = await request.HandleAsync(new RequestVerificationCommand(from, to), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = "Verification queued: this page shows its result when it is done.";
            return RedirectToPage();
        }

        return await this.RefuseAsync(result.Error!, () => ShowAsync(ct));
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        var result = await list.HandleAsync(new ListVerificationsQuery(), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Overview = result.Value!;
        return Page();
    }
}
