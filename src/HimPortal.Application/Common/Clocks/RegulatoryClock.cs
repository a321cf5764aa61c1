namespace HimPortal.Application.Common.Clocks;

/// <summary>
/// When something started under a rule is due. <see cref="DueDay"/> is the last day, in the hospital's time zone, and
/// <see cref="DueAt"/> the instant it ends (midnight starting the next hospital day): the work is on time when done
/// before it. For an hour-based rule <see cref="DueAt"/> is the start plus the hours, and <see cref="DueDay"/> the day it falls on.
/// </summary>
/// <param name="Governing">The rule whose deadline this is: <paramref name="Rule"/> itself, or its federal ceiling when that falls first.</param>
public sealed record ClockDeadline(
    RegulatoryRule Rule,
    RegulatoryRule Governing,
    DateTimeOffset Started,
    int ExtensionsUsed,
    DateOnly DueDay,
    DateTimeOffset DueAt)
{
    public string Citation => Governing.Citation;

    public int ExtensionsLeft => Rule.MaxExtensions - ExtensionsUsed;
}

/// <summary>Where a deadline stands at a given instant.</summary>
/// <param name="Today">The hospital day of the instant asked about.</param>
/// <param name="DaysLeft">Calendar days from today to the due day: 0 on the due day, negative once past it.</param>
/// <param name="BusinessDaysLeft">Business days after today up to and including the due day (0 on the due day and after).</param>
/// <param name="TimeLeft">Until <see cref="ClockDeadline.DueAt"/>; negative when overdue.</param>
public sealed record ClockStatus(DateOnly Today, int DaysLeft, int BusinessDaysLeft, TimeSpan TimeLeft, bool DueToday, bool Overdue);

/// <summary>
/// Regulatory deadlines: a due date from a start instant, a rule and the extensions taken, counted in calendar days,
/// business days (weekends and <see cref="HolidayCalendar"/> closures skipped) or hours, in the hospital's time zone
/// (<see cref="HospitalTime"/>). Pure: the same inputs give the same deadline; only <see cref="Status(ClockDeadline)"/> reads the clock.
/// </summary>
public sealed class RegulatoryClock(RegulatoryRuleCatalogue rules, HolidayCalendar holidays, HospitalTime hospital, TimeProvider clock)
{
    public RegulatoryRuleCatalogue Rules => rules;

    public HolidayCalendar Holidays => holidays;

    public ClockDeadline Due(string code, DateTimeOffset started, int extensionsUsed = 0) => Due(rules.Get(code), started, extensionsUsed);

    public ClockDeadline Due(RegulatoryRule rule, DateTimeOffset started, int extensionsUsed = 0)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentOutOfRangeException.ThrowIfNegative(extensionsUsed);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(extensionsUsed, rule.MaxExtensions);

        var (day, at) = DueUnder(rule, started, extensionsUsed);
        // The configured rule may only tighten the federal one (45 CFR 160.203(b)); across units (15 business days against
        // 30 calendar days) only the dates can tell which is stricter, so the earlier deadline governs.
        if (rule.Ceiling is { } ceiling)
        {
            var (ceilingDay, ceilingAt) = DueUnder(ceiling, started, Math.Min(extensionsUsed, ceiling.MaxExtensions));
            if (ceilingAt < at)
            {
                return new ClockDeadline(rule, ceiling, started, extensionsUsed, ceilingDay, ceilingAt);
            }
        }

        return new ClockDeadline(rule, rule, started, extensionsUsed, day, at);
    }

    public ClockStatus Status(ClockDeadline due) => StatusAt(due, clock.GetUtcNow());

    public ClockStatus StatusAt(ClockDeadline due, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(due);
        var today = hospital.DayOf(now);
        var overdue = now >= due.DueAt;
        var businessDaysLeft = 0;
        for (var day = today.AddDays(1); day <= due.DueDay; day = day.AddDays(1))
        {
            if (holidays.IsBusinessDay(day))
                businessDaysLeft++;
        }

        return new ClockStatus(today, due.DueDay.DayNumber - today.DayNumber, overdue ? 0 : businessDaysLeft, due.DueAt - now,
            DueToday: !overdue && today == due.DueDay, Overdue: overdue);
    }

    /// <summary>The <paramref name="count"/>th business day after <paramref name="start"/> (the start itself is day 0).</summary>
    public DateOnly AddBusinessDays(DateOnly start, int count)
    {
        var day = start;
        for (var counted = 0; counted < count;)
        {
            day = day.AddDays(1);
            if (holidays.IsBusinessDay(day))
                counted++;
        }

        return day;
    }

    private (DateOnly Day, DateTimeOffset At) DueUnder(RegulatoryRule rule, DateTimeOffset started, int extensionsUsed)
    {
        var length = rule.Length + (extensionsUsed * rule.ExtensionLength);
        if (rule.Unit == ClockUnit.Hours)
        {
            // Elapsed time: across a daylight-saving change 24 hours still end 24 hours later, at a different clock time.
            var at = started + TimeSpan.FromHours(length);
            return (hospital.DayOf(at), at.ToUniversalTime());
        }

        var startDay = hospital.DayOf(started);
        var dueDay = rule.Unit switch
        {
            ClockUnit.CalendarDays => startDay.AddDays(rule.StartDayCounts ? length - 1 : length),
            // A start on a weekend or a closure counts as no business day, even where the start day counts.
            _ => rule.StartDayCounts && holidays.IsBusinessDay(startDay)
                ? AddBusinessDays(startDay, length - 1)
                : AddBusinessDays(startDay, length),
        };
        return (dueDay, hospital.StartOf(dueDay.AddDays(1)));
    }
}
