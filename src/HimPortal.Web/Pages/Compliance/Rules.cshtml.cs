using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.Monitoring;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Compliance;

/// <summary>
/// The monitoring rules (folder policy Audit.Review to read them). Switching, tuning and running them on demand need
/// Audit.ManageRules (compliance officers); the handlers check it on every POST.
/// </summary>
public sealed class RulesModel(ListRulesHandler list, UpdateRuleHandler update, RunMonitoringHandler run, HospitalTime hospital) : PageModel
{
    public RuleList Rules { get; private set; } = new([], null);

    public HospitalTime Hospital => hospital;

    public bool MayManage => RolePermissions.Grants(User.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value), Permissions.AuditManageRules);

    /// <summary>The rule whose form failed, with what the officer typed, so it is shown again with the error.</summary>
    public string? FailedRule { get; private set; }

    public IReadOnlyDictionary<string, string?> Typed { get; private set; } = new Dictionary<string, string?>();

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(ct);

    public async Task<IActionResult> OnPostUpdateAsync(string code, bool enabled, uint version, CancellationToken ct)
    {
        var values = Request.Form.Keys.Where(k => k.StartsWith("p.", StringComparison.Ordinal))
            .ToDictionary(k => k[2..], k => (string?)Request.Form[k].ToString(), StringComparer.Ordinal);
        var result = await update.HandleAsync(new UpdateRuleCommand(code, enabled, values, version), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = $"Rule \"{result.Value!.Title}\" saved: {(result.Value.Enabled ? "on" : "off")}.";
            return RedirectToPage();
        }

        FailedRule = code;
        Typed = values;
        return await this.RefuseAsync(result.Error!, () => ShowAsync(ct));
    }

    public async Task<IActionResult> OnPostRunAsync(int days, CancellationToken ct)
    {
        var result = await run.HandleAsync(new RunMonitoringCommand(Scheduled: false, days), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = $"Rules run over the last {days} day(s): {result.Value!.Raised} new alert(s), {result.Value.Updated} with new evidence.";
            return RedirectToPage();
        }

        return await this.RefuseAsync(result.Error!, () => ShowAsync(ct));
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        var result = await list.HandleAsync(new ListRulesQuery(), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Rules = result.Value!;
        return Page();
    }
}
