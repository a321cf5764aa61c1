using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Compliance;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Compliance.Monitoring;

public sealed record ListRulesQuery;

public sealed record RuleParameterValue(RuleParameter Definition, string Value);

/// <summary>A rule as configured: switched on or off, its parameters' values, and its open alerts.</summary>
public sealed record RuleView(
    string Code,
    string Title,
    string Description,
    bool Enabled,
    IReadOnlyList<RuleParameterValue> Parameters,
    DateTimeOffset? UpdatedAt,
    string? UpdatedBy,
    uint Version,
    int OpenAlerts);

public sealed record RuleList(IReadOnlyList<RuleView> Rules, MonitoringRun? LastRun);

[RequiresPermission(Permissions.AuditReview)]
public sealed class ListRulesHandler(PermissionCheck permissions, HimDbContext db) : Handler<ListRulesQuery, Result<RuleList>>(permissions)
{
    protected override async Task<Result<RuleList>> ExecuteAsync(ListRulesQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);

        var settings = await db.MonitoringRuleSettings.AsNoTracking()
            .Select(s => new { Setting = s, By = db.Users.Where(u => u.Id == s.UpdatedByUserId).Select(u => u.DisplayName).FirstOrDefault() })
            .ToDictionaryAsync(s => s.Setting.RuleCode, ct);
        var open = await db.PrivacyAlerts.AsNoTracking().Where(a => a.ReviewedAt == null)
            .GroupBy(a => a.RuleCode).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var lastRun = await db.MonitoringRuns.AsNoTracking().OrderByDescending(r => r.StartedAt).FirstOrDefaultAsync(ct);
        var rules = MonitoringRules.All.Select(rule =>
        {
            var stored = settings.GetValueOrDefault(rule.Code);
            var values = rule.Resolve(stored?.Setting.Parameters);
            return new RuleView(rule.Code, rule.Title, rule.Description, stored?.Setting.Enabled ?? rule.EnabledByDefault,
                rule.Parameters.Select(p => new RuleParameterValue(p, RuleParameter.Format(values[p.Name]))).ToList(),
                stored?.Setting.UpdatedAt, stored?.By, stored?.Setting.Version ?? 0, open.GetValueOrDefault(rule.Code));
        }).ToList();
        return Result<RuleList>.Success(new RuleList(rules, lastRun));
    }
}
