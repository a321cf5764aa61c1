using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Compliance;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Compliance.Monitoring;

/// <param name="Version">The settings' row version the officer saw; 0 when the rule still had its defaults.</param>
public sealed record UpdateRuleCommand(string Code, bool Enabled, IReadOnlyDictionary<string, string?> Parameters, uint Version);

/// <summary>
/// Switches a rule on or off and sets its parameters, each checked against its range (the error names the parameter);
/// nothing is saved if one is wrong. Audited with the old and new settings; two officers at once cannot overwrite each other.
/// </summary>
[RequiresPermission(Permissions.AuditManageRules)]
public sealed class UpdateRuleHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, TimeProvider clock) : Handler<UpdateRuleCommand, Result<RuleView>>(permissions)
{
    protected override async Task<Result<RuleView>> ExecuteAsync(UpdateRuleCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var actor = actors.Current;

        var rule = MonitoringRules.Find(command.Code);
        if (rule is null)
        {
            return Error.NotFound();
        }

        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var parameter in rule.Parameters)
        {
            if (!parameter.TryParse(command.Parameters.GetValueOrDefault(parameter.Name), out var value, out var error))
            {
                return Error.Invalid(error!, parameter.Name);
            }

            values[parameter.Name] = value;
        }

        if (values.TryGetValue("startHour", out var start) && values.TryGetValue("endHour", out var end) && (int)start >= (int)end)
        {
            return Error.Invalid("The working day must start before it ends.", "endHour");
        }

        var json = MonitoringRule.ToJson(rule.Parameters, values);
        try
        {
            return await db.InTransactionAsync<Result<RuleView>>(async token =>
            {
                var setting = await db.MonitoringRuleSettings.SingleOrDefaultAsync(s => s.RuleCode == rule.Code, token);
                if ((setting?.Version ?? 0) != command.Version)
                {
                    return Error.Conflict("Someone changed this rule after you opened it. Reload it to see their settings; yours were not saved.");
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
            return Error.Conflict("Someone changed this rule after you opened it. Reload it to see their settings; yours were not saved.");
        }
    }
}
