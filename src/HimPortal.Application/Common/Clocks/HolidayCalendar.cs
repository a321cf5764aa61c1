using System.Collections.Concurrent;
using System.Collections.Frozen;

namespace HimPortal.Application.Common.Clocks;

/// <summary>The legal public holidays of 5 U.S.C. 6103(a).</summary>
public enum FederalHoliday
{
    NewYearsDay,
    MartinLutherKingJrDay,
    WashingtonsBirthday,
    MemorialDay,
    Juneteenth,
    IndependenceDay,
    LaborDay,
    ColumbusDay,
    VeteransDay,
    ThanksgivingDay,
    ChristmasDay,
}

/// <summary>
/// The days the hospital's HIM office is closed besides weekends: the US federal holidays, computed for any year, on the
/// day they are observed (a Saturday holiday on the Friday before, a Sunday one on the Monday after: 5 U.S.C. 6103(b),
/// Executive Order 11582; so New Year's Day falling on a Saturday closes Friday 31 December of the year before), less
/// the ones the hospital works, plus its own closures. Business-day clocks skip these days.
/// </summary>
public sealed class HolidayCalendar
{
    private readonly bool _federal;
    private readonly FrozenSet<FederalHoliday> _omitted;
    private readonly FrozenSet<DateOnly> _closures;
    private readonly ConcurrentDictionary<int, FrozenDictionary<DateOnly, FederalHoliday>> _years = new();

    public HolidayCalendar(bool federal = true, IEnumerable<FederalHoliday>? omit = null, IEnumerable<DateOnly>? closures = null)
    {
        _federal = federal;
        _omitted = (omit ?? []).ToFrozenSet();
        _closures = (closures ?? []).ToFrozenSet();
    }

    public static HolidayCalendar From(HolidayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new HolidayCalendar(options.Federal, options.Omit, options.Closures);
    }

    public bool IsClosed(DateOnly day) =>
        _closures.Contains(day) || (_federal && ObservedIn(day.Year).TryGetValue(day, out var holiday) && !_omitted.Contains(holiday));

    public static bool IsWeekend(DateOnly day) => day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;

    public bool IsBusinessDay(DateOnly day) => !IsWeekend(day) && !IsClosed(day);

    /// <summary>The federal holidays observed in <paramref name="year"/>, by the day they are observed (whether or not this hospital closes on them).</summary>
    public static IReadOnlyDictionary<DateOnly, FederalHoliday> FederalObserved(int year) =>
        // Next year's 1 January may be observed on this year's 31 December.
        Actual(year).Concat(year < DateOnly.MaxValue.Year ? Actual(year + 1) : [])
            .Select(h => (Day: Observed(h.Day), h.Holiday))
            .Where(h => h.Day.Year == year)
            .ToDictionary(h => h.Day, h => h.Holiday);

    private FrozenDictionary<DateOnly, FederalHoliday> ObservedIn(int year) =>
        _years.GetOrAdd(year, y => FederalObserved(y).ToFrozenDictionary());

    private static DateOnly Observed(DateOnly day) => day.DayOfWeek switch
    {
        DayOfWeek.Saturday => day.AddDays(-1),
        DayOfWeek.Sunday => day.AddDays(1),
        _ => day,
    };

    private static IEnumerable<(DateOnly Day, FederalHoliday Holiday)> Actual(int year)
    {
        yield return (new DateOnly(year, 1, 1), FederalHoliday.NewYearsDay);
        yield return (Nth(year, 1, DayOfWeek.Monday, 3), FederalHoliday.MartinLutherKingJrDay);
        yield return (Nth(year, 2, DayOfWeek.Monday, 3), FederalHoliday.WashingtonsBirthday);
        yield return (Last(year, 5, DayOfWeek.Monday), FederalHoliday.MemorialDay);
        // Juneteenth National Independence Day Act, Pub. L. 117-17 (17 June 2021).
        if (year >= 2021)
            yield return (new DateOnly(year, 6, 19), FederalHoliday.Juneteenth);
        yield return (new DateOnly(year, 7, 4), FederalHoliday.IndependenceDay);
        yield return (Nth(year, 9, DayOfWeek.Monday, 1), FederalHoliday.LaborDay);
        yield return (Nth(year, 10, DayOfWeek.Monday, 2), FederalHoliday.ColumbusDay);
        yield return (new DateOnly(year, 11, 11), FederalHoliday.VeteransDay);
        yield return (Nth(year, 11, DayOfWeek.Thursday, 4), FederalHoliday.ThanksgivingDay);
        yield return (new DateOnly(year, 12, 25), FederalHoliday.ChristmasDay);
    }

    private static DateOnly Nth(int year, int month, DayOfWeek weekday, int n)
    {
        var first = new DateOnly(year, month, 1);
        return first.AddDays(((7 + (int)weekday - (int)first.DayOfWeek) % 7) + (7 * (n - 1)));
    }

    private static DateOnly Last(int year, int month, DayOfWeek weekday)
    {
        var last = new DateOnly(year, month, DateTime.DaysInMonth(year, month));
        return last.AddDays(-((7 + (int)last.DayOfWeek - (int)weekday) % 7));
    }
}
