using HimPortal.Application.Auditing;
using HimPortal.Application.Common;
using HimPortal.Application.Security;
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

public sealed class ListRulesHandler(HimDbContext db, IAuditActorAccessor actors)
{
    public async Task<Result<RuleList>> HandleAsync(ListRulesQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!RolePermissions.Grants(actors.Current.Roles, Permissions.AuditReview))
        {
            return ComplianceErrors.NotPermitted;
        }

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

/// <param name="Version">The settings' row version the officer saw; 0 when the rule still had its defaults.</param>
public sealed record UpdateRuleCommand(string Code, bool Enabled, IReadOnlyDictionary<string, string?> Parameters, uint Version);

/// <summary>
/// Switches a rule on or off and sets its parameters, each checked against its range (the error names the parameter);
/// nothing is saved if one is wrong. Audited with the old and new settings; two officers at once cannot overwrite each other.
/// </summary>
public sealed class UpdateRuleHandler(HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, TimeProvider clock)
{
    public async Task<Result<RuleView>> HandleAsync(UpdateRuleCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var actor = actors.Current;
        if (!RolePermissions.Grants(actor.Roles, Permissions.AuditManageRules))
        {
            return new Error("not-permitted", "Only a compliance officer may switch or tune the monitoring rules.");
        }

        var rule = MonitoringRules.Find(command.Code);
        if (rule is null)
        {
            return ComplianceErrors.NotFound;
        }

        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var parameter in rule.Parameters)
        {
            if (!parameter.TryParse(command.Parameters.GetValueOrDefault(parameter.Name), out var value, out var error))
            {
                return new Error("invalid", error!, parameter.Name);
            }

            values[parameter.Name] = value;
        }

        if (values.TryGetValue("startHour", out var start) && values.TryGetValue("endHour", out var end) && (int)start >= (int)end)
        {
            return new Error("invalid", "The working day must start before it ends.", "endHour");
        }

        var json = MonitoringRule.ToJson(rule.Parameters, values);
        try
        {
            return await db.InTransactionAsync<Result<RuleView>>(async token =>
            {
                var setting = await db.MonitoringRuleSettings.SingleOrDefaultAsync(s => s.RuleCode == rule.Code, token);
                if ((setting?.Version ?? 0) != command.Version)
                {
                    return new Error("conflict", "Someone changed this rule after you opened it. Reload it to see their settings; yours were not saved.");
                }

                var before = setting is null
                    ? $"defaults, {(rule.EnabledByDefault ? "on" : "off")}"
                    : $"{(setting.Enabled ? "on" : "off")} {setting.Parameters}";
                if (setting is null)
                {
                    setting = new MonitoringRuleSetting { RuleCode = rule.Code, Parameters = json };
                    db.MonitoringRuleSettings.Add(setting);
                }
                else
                {
                    db.Entry(setting).Property(s => s.Version).OriginalValue = command.Version;
                }

                setting.Enabled = command.Enabled;
                setting.Parameters = json;
                setting.UpdatedAt = clock.GetUtcNow();
                setting.UpdatedByUserId = actor.UserId;
                await db.SaveChangesAsync(token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Admin, AuditOutcome.Success, "MonitoringRule", rule.Code,
                    Details: $"was {before}; now {(command.Enabled ? "on" : "off")} {json}"), token);
                return Result<RuleView>.Success(new RuleView(rule.Code, rule.Title, rule.Description, setting.Enabled,
                    rule.Parameters.Select(p => new RuleParameterValue(p, RuleParameter.Format(values[p.Name]))).ToList(), setting.UpdatedAt, actor.UserName,
                    setting.Version, 0));
            }, ct);
        }
        catch (DbUpdateException)
        {
            // A concurrent first save of the same rule (primary key) or a changed row version (xmin).
            return new Error("conflict", "Someone changed this rule after you opened it. Reload it to see their settings; yours were not saved.");
        }
    }
}
