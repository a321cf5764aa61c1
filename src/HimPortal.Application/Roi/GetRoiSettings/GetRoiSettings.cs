using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.SaveStateRule;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.GetRoiSettings;

public sealed record GetRoiSettingsQuery;

public sealed record LabelOption(string Code, string Title);

public sealed record StateRuleView(StateRule Rule, IReadOnlyList<PageTier> Tiers);

/// <summary>The policy row, every state rule (retired ones too) and the active sensitivity labels to choose from.</summary>
public sealed record RoiSettingsView(RoiSettings Policy, IReadOnlyList<StateRuleView> States, IReadOnlyList<LabelOption> Labels);

/// <summary>The ROI policy and state rules for the HIM manager's settings page (no patient data: not audited as an access).</summary>
[RequiresPermission(Permissions.RoiConfigure)]
public sealed class GetRoiSettingsHandler(PermissionCheck permissions, HimDbContext db) : Handler<GetRoiSettingsQuery, Result<RoiSettingsView>>(permissions)
{
    protected override async Task<Result<RoiSettingsView>> ExecuteAsync(GetRoiSettingsQuery query, CancellationToken ct)
    {
        var policy = await db.RoiSettings.AsNoTracking().SingleAsync(ct);
        var states = await db.StateRules.AsNoTracking().OrderByDescending(s => s.Active).ThenBy(s => s.StateCode).ToListAsync(ct);
        var labels = await db.SensitivityLabels.AsNoTracking().Where(l => l.Active).OrderBy(l => l.Code)
            .Select(l => new LabelOption(l.Code, l.Title)).ToListAsync(ct);
        return Result<RoiSettingsView>.Success(new RoiSettingsView(policy, [.. states.Select(s => new StateRuleView(s, PageTier.Read(s.PageTiers)))], labels));
    }
}
