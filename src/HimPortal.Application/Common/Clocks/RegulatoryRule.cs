namespace HimPortal.Application.Common.Clocks;

/// <summary>How a rule's length is counted.</summary>
public enum ClockUnit
{
    /// <summary>Every day counts, weekends and holidays included (HIPAA's "30 days").</summary>
    CalendarDays,

    /// <summary>Only the hospital's business days count: no Saturdays, Sundays, holidays or closures (many state laws).</summary>
    BusinessDays,

    /// <summary>Elapsed hours from the start instant, whatever the clock face says (CMS's "within 24 hours after admission").</summary>
    Hours,
}

/// <summary>
/// A regulatory deadline: how long after a start (a request received, a discharge, a discovery, an admission) something
/// must be done, the rule that says so, and how it may be extended. A day-based rule is due at the end of its last day
/// in the hospital's time zone; an hour-based rule at the start instant plus its hours.
/// </summary>
/// <param name="Code">Stable key (configuration key under Clocks:Rules, and what workflows store beside a clock they start).</param>
/// <param name="Length">Days or hours, in <paramref name="Unit"/>.</param>
/// <param name="ExtensionLength">How long one extension adds, in <paramref name="Unit"/> (0 when none is allowed).</param>
/// <param name="MaxExtensions">How many extensions the rule allows.</param>
/// <param name="StartDayCounts">
/// Whether the start day is day 1. Legal day counting ("within 30 days after receipt") leaves it out, so day 1 is the
/// day after; a rule written "including the day of receipt" counts it. Ignored by hour-based rules.
/// </param>
/// <param name="ExtensionCondition">What an extension requires (for example a written notice of the reasons), shown to staff.</param>
public sealed record RegulatoryRule(
    string Code,
    string Title,
    string Citation,
    int Length,
    ClockUnit Unit,
    int ExtensionLength = 0,
    int MaxExtensions = 0,
    bool StartDayCounts = false,
    string? ExtensionCondition = null)
{
    /// <summary>
    /// The federal rule a configured (state) rule tightens. A stricter state law is not preempted by HIPAA
    /// (45 CFR 160.203(b)), but it cannot loosen the federal limit either: the clock keeps whichever deadline falls first.
    /// </summary>
    public RegulatoryRule? Ceiling { get; init; }

    public bool IsHourBased => Unit == ClockUnit.Hours;
}
