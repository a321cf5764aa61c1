using HimPortal.Application.Common.Clocks;

namespace HimPortal.Tests.Common.Clocks;

public sealed class HolidayCalendarTests
{
    [Fact]
    public void The_federal_holidays_of_2026_on_the_days_they_are_observed()
    {
        HolidayCalendar.FederalObserved(2026).OrderBy(h => h.Key).Select(h => (h.Key, h.Value)).ShouldBe(
        [
            (new DateOnly(2026, 1, 1), FederalHoliday.NewYearsDay),
            (new DateOnly(2026, 1, 19), FederalHoliday.MartinLutherKingJrDay),
            (new DateOnly(2026, 2, 16), FederalHoliday.WashingtonsBirthday),
            (new DateOnly(2026, 5, 25), FederalHoliday.MemorialDay),
            (new DateOnly(2026, 6, 19), FederalHoliday.Juneteenth),
            // 4 July 2026 is a Saturday: observed Friday.
            (new DateOnly(2026, 7, 3), FederalHoliday.IndependenceDay),
            (new DateOnly(2026, 9, 7), FederalHoliday.LaborDay),
            (new DateOnly(2026, 10, 12), FederalHoliday.ColumbusDay),
            (new DateOnly(2026, 11, 11), FederalHoliday.VeteransDay),
            (new DateOnly(2026, 11, 26), FederalHoliday.ThanksgivingDay),
            (new DateOnly(2026, 12, 25), FederalHoliday.ChristmasDay),
        ]);
    }

    [Fact]
    public void Saturday_holidays_move_to_Friday_and_Sunday_ones_to_Monday_even_across_the_year()
    {
        var y2027 = HolidayCalendar.FederalObserved(2027);
        y2027[new DateOnly(2027, 6, 18)].ShouldBe(FederalHoliday.Juneteenth);
        y2027[new DateOnly(2027, 7, 5)].ShouldBe(FederalHoliday.IndependenceDay);
        y2027[new DateOnly(2027, 12, 24)].ShouldBe(FederalHoliday.ChristmasDay);
        // New Year's Day 2028 is a Saturday: observed Friday 31 December 2027, and 2028 has no New Year holiday of its own.
        y2027[new DateOnly(2027, 12, 31)].ShouldBe(FederalHoliday.NewYearsDay);
        HolidayCalendar.FederalObserved(2028).Values.ShouldNotContain(FederalHoliday.NewYearsDay);
        // Juneteenth only from 2021, the year it became a holiday.
        HolidayCalendar.FederalObserved(2020).Values.ShouldNotContain(FederalHoliday.Juneteenth);
        HolidayCalendar.FederalObserved(2021).Keys.ShouldContain(new DateOnly(2021, 6, 18));
    }

    [Fact]
    public void The_hospital_omits_holidays_it_works_and_adds_its_own_closures()
    {
        var calendar = new HolidayCalendar(omit: [FederalHoliday.ColumbusDay], closures: [new DateOnly(2026, 11, 27)]);

        calendar.IsBusinessDay(new DateOnly(2026, 10, 12)).ShouldBeTrue();
        calendar.IsBusinessDay(new DateOnly(2026, 11, 27)).ShouldBeFalse();
        calendar.IsBusinessDay(new DateOnly(2026, 11, 26)).ShouldBeFalse();
        calendar.IsBusinessDay(new DateOnly(2026, 11, 28)).ShouldBeFalse("a Saturday");
        new HolidayCalendar(federal: false).IsBusinessDay(new DateOnly(2026, 11, 26)).ShouldBeTrue();
    }
}
