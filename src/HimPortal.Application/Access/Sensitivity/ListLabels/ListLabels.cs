using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Access.Sensitivity.ListLabels;

public sealed record ListLabelsQuery(bool IncludeRetired = false);

public sealed record CodeRuleView(string CodeSystem, string Code, bool Prefix);

public sealed record LabelDefinition(
    string Code,
    string CodeSystem,
    string Title,
    string Regulation,
    bool BlocksReleaseWithoutAuthorization,
    bool LabelsEncounter,
    bool Active,
    IReadOnlyList<CodeRuleView> Codes,
    uint Version);

/// <summary>
/// The labels the hospital uses and their automatic codes: policy, not patient data, so any signed-in user may read it
/// (the clerk choosing a label, the privacy officer changing one) and no audit row is written.
/// </summary>
[RequiresPermission(Permissions.SignedIn)]
public sealed class ListLabelsHandler(PermissionCheck permissions, HimDbContext db)
    : Handler<ListLabelsQuery, Result<IReadOnlyList<LabelDefinition>>>(permissions)
{
    protected override async Task<Result<IReadOnlyList<LabelDefinition>>> ExecuteAsync(ListLabelsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var labels = await db.SensitivityLabels.AsNoTracking()
            .Where(l => query.IncludeRetired || l.Active)
            .OrderBy(l => l.Title)
            .Select(l => new LabelDefinition(l.Code, l.CodeSystem, l.Title, l.Regulation, l.BlocksReleaseWithoutAuthorization, l.LabelsEncounter,
                l.Active,
                db.SensitivityCodeRules.Where(r => r.LabelCode == l.Code).OrderBy(r => r.CodeSystem).ThenBy(r => r.Code)
                    .Select(r => new CodeRuleView(r.CodeSystem, r.Code, r.Prefix)).ToList(),
                l.Version))
            .ToListAsync(ct);
        return Result<IReadOnlyList<LabelDefinition>>.Success(labels);
    }
}
