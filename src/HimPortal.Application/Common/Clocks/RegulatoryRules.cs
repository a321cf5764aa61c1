using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Common.Clocks;

/// <summary>The federal rules every hospital starts from. Configuration (Clocks:Rules) tightens them or adds state and local ones.</summary>
public static class RegulatoryRules
{
    public const string RightOfAccess = "RightOfAccess";
    public const string Amendment = "Amendment";
    public const string AccountingOfDisclosures = "AccountingOfDisclosures";
    public const string BreachNotification = "BreachNotification";
    public const string ChartCompletion = "ChartCompletion";
    public const string HistoryAndPhysical = "HistoryAndPhysical";

    public static readonly IReadOnlyList<RegulatoryRule> Federal =
    [
        new(RightOfAccess, "Right of access: act on an individual's request to inspect or copy their record", "45 CFR 164.524(b)(2)",
            30, ClockUnit.CalendarDays, ExtensionLength: 30, MaxExtensions: 1,
            ExtensionCondition: "Before the first 30 days end, tell the individual in writing why access is delayed and by which date it will be given (164.524(b)(2)(ii))."),
        new(Amendment, "Amendment: act on an individual's request to amend their record", "45 CFR 164.526(b)(2)",
            60, ClockUnit.CalendarDays, ExtensionLength: 30, MaxExtensions: 1,
            ExtensionCondition: "Before the first 60 days end, tell the individual in writing why action is delayed and by which date it will be taken (164.526(b)(2)(ii))."),
        new(AccountingOfDisclosures, "Accounting of disclosures: give the individual the accounting they asked for", "45 CFR 164.528(c)(1)",
            60, ClockUnit.CalendarDays, ExtensionLength: 30, MaxExtensions: 1,
            ExtensionCondition: "Before the first 60 days end, tell the individual in writing why the accounting is delayed and by which date it will be given (164.528(c)(1)(ii))."),
        // "Without unreasonable delay and in no case later than 60 calendar days after discovery": the 60 days are the outer
        // limit, not a target. A law-enforcement delay (164.412) suspends the clock by the official's statement; it is not an
        // extension the hospital chooses, so the rule offers none. Misfiled and misdirected records run on this clock.
        new(BreachNotification, "Breach notification to the individuals affected (misfiled or misdirected records): without unreasonable delay, at the latest",
            "45 CFR 164.404(b)", 60, ClockUnit.CalendarDays),
        new(ChartCompletion, "Medical record completed after discharge (chart deficiencies)", "42 CFR 482.24(c)(4)(viii)",
            30, ClockUnit.CalendarDays),
        new(HistoryAndPhysical, "History and physical documented after admission or registration (before surgery or anesthesia in any case)",
            "42 CFR 482.22(c)(5)(i)", 24, ClockUnit.Hours),
    ];

    public static readonly FrozenDictionary<string, RegulatoryRule> FederalByCode =
        Federal.ToFrozenDictionary(r => r.Code, StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// The rules in force: the federal ones, each tightened where configuration says so, and any rule configuration adds.
/// Built once from <see cref="ClockOptions"/>, which were validated when the host started.
/// </summary>
public sealed class RegulatoryRuleCatalogue
{
    private readonly FrozenDictionary<string, RegulatoryRule> _rules;

    public RegulatoryRuleCatalogue(IOptions<ClockOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rules = RegulatoryRules.Federal.ToDictionary(r => r.Code, StringComparer.OrdinalIgnoreCase);
        foreach (var (code, configured) in options.Value.Rules)
        {
            rules[code] = Build(code, configured);
        }

        _rules = rules.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyCollection<RegulatoryRule> All => _rules.Values;

    /// <summary>The rule for <paramref name="code"/>; an unknown code is a bug in the caller (codes are constants or stored from this catalogue).</summary>
    public RegulatoryRule Get(string code) =>
        _rules.TryGetValue(code, out var rule) ? rule : throw new KeyNotFoundException($"No regulatory clock rule '{code}' (see Clocks:Rules).");

    public bool TryGet(string code, [NotNullWhen(true)] out RegulatoryRule? rule) => _rules.TryGetValue(code, out rule);

    /// <summary>A configured rule: a federal rule with the values configuration sets (the federal one stays its ceiling), or a new rule.</summary>
    internal static RegulatoryRule Build(string code, ClockRuleOptions configured)
    {
        if (RegulatoryRules.FederalByCode.TryGetValue(code, out var federal))
        {
            return new RegulatoryRule(
                federal.Code,
                configured.Title ?? federal.Title,
                configured.Citation ?? federal.Citation,
                configured.Length ?? federal.Length,
                configured.Unit ?? federal.Unit,
                configured.ExtensionLength ?? federal.ExtensionLength,
                configured.MaxExtensions ?? federal.MaxExtensions,
                configured.StartDayCounts ?? federal.StartDayCounts,
                configured.ExtensionCondition ?? federal.ExtensionCondition)
            {
                Ceiling = federal,
            };
        }

        // ClockOptionsValidator has made sure a new rule names its title, citation, length and unit.
        return new RegulatoryRule(code, configured.Title!, configured.Citation!, configured.Length!.Value, configured.Unit!.Value,
            configured.ExtensionLength ?? 0, configured.MaxExtensions ?? 0, configured.StartDayCounts ?? false, configured.ExtensionCondition);
    }
}
