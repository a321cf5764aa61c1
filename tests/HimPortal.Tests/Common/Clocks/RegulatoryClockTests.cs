using HimPortal.Application.Common.Clocks;
using static HimPortal.Tests.Common.Clocks.ClockSetup;

namespace HimPortal.Tests.Common.Clocks;

/// <summary>Due dates and their status, in the hospital's zone (America/New_York), against dates worked out by hand.</summary>
public sealed class RegulatoryClockTests
{
    private static readonly RegulatoryClock Federal = Clock();

    [Fact]
    public void The_catalogue_holds_the_federal_rules_with_their_citations()
    {
        var rules = Federal.Rules;
        rules.Get(RegulatoryRules.RightOfAccess).ShouldSatisfyAllConditions(
            r => r.Citation.ShouldBe("45 CFR 164.524(b)(2)"), r => r.Length.ShouldBe(30), r => r.Unit.ShouldBe(ClockUnit.CalendarDays),
            r => r.ExtensionLength.ShouldBe(30), r => r.MaxExtensions.ShouldBe(1), r => r.StartDayCounts.ShouldBeFalse(),
            r => r.ExtensionCondition!.ShouldContain("in writing"));
        rules.Get(RegulatoryRules.Amendment).ShouldSatisfyAllConditions(
            r => r.Citation.ShouldBe("45 CFR 164.526(b)(2)"), r => r.Length.ShouldBe(60), r => r.ExtensionLength.ShouldBe(30), r => r.MaxExtensions.ShouldBe(1));
        rules.Get(RegulatoryRules.AccountingOfDisclosures).ShouldSatisfyAllConditions(
            r => r.Citation.ShouldBe("45 CFR 164.528(c)(1)"), r => r.Length.ShouldBe(60), r => r.ExtensionLength.ShouldBe(30), r => r.MaxExtensions.ShouldBe(1));
        rules.Get(RegulatoryRules.BreachNotification).ShouldSatisfyAllConditions(
            r => r.Citation.ShouldBe("45 CFR 164.404(b)"), r => r.Length.ShouldBe(60), r => r.Unit.ShouldBe(ClockUnit.CalendarDays), r => r.MaxExtensions.ShouldBe(0));
        rules.Get(RegulatoryRules.ChartCompletion).ShouldSatisfyAllConditions(
            r => r.Citation.ShouldBe("42 CFR 482.24(c)(4)(viii)"), r => r.Length.ShouldBe(30));
        rules.Get(RegulatoryRules.HistoryAndPhysical).ShouldSatisfyAllConditions(
            r => r.Citation.ShouldBe("42 CFR 482.22(c)(5)(i)"), r => r.Length.ShouldBe(24), r => r.Unit.ShouldBe(ClockUnit.Hours));
        Should.Throw<KeyNotFoundException>(() => rules.Get("NoSuchRule"));
    }

    [Fact]
    public void Thirty_calendar_days_after_receipt_end_at_midnight_hospital_time_across_the_spring_change()
    {
        // Received Monday 2 March 2026, 10:00 EST; day 1 is 3 March; day 30 is 1 April, in daylight time.
        var due = Federal.Due(RegulatoryRules.RightOfAccess, At("2026-03-02T10:00:00-05:00"));

        due.DueDay.ShouldBe(new DateOnly(2026, 4, 1));
        due.DueAt.ShouldBe(At("2026-04-02T00:00:00-04:00"));
        due.Citation.ShouldBe("45 CFR 164.524(b)(2)");
        due.ExtensionsLeft.ShouldBe(1);
    }

    [Fact]
    public void The_start_day_is_the_hospitals_day_not_UTCs()
    {
        // 23:30 in New York on 15 January is already 16 January in UTC.
        var due = Federal.Due(RegulatoryRules.RightOfAccess, At("2026-01-15T23:30:00-05:00"));

        due.DueDay.ShouldBe(new DateOnly(2026, 2, 14));
        due.DueAt.ShouldBe(At("2026-02-15T00:00:00-05:00"));
    }

    [Fact]
    public void One_extension_adds_its_days_and_no_more_are_allowed()
    {
        var started = At("2026-03-02T10:00:00-05:00");

        var extended = Federal.Due(RegulatoryRules.RightOfAccess, started, extensionsUsed: 1);

        extended.DueDay.ShouldBe(new DateOnly(2026, 5, 1));
        extended.ExtensionsLeft.ShouldBe(0);
        Federal.Due(RegulatoryRules.Amendment, At("2027-12-31T09:00:00-05:00"), 1).DueDay.ShouldBe(new DateOnly(2028, 3, 30));
        Should.Throw<ArgumentOutOfRangeException>(() => Federal.Due(RegulatoryRules.RightOfAccess, started, extensionsUsed: 2));
        Should.Throw<ArgumentOutOfRangeException>(() => Federal.Due(RegulatoryRules.BreachNotification, started, extensionsUsed: 1));
    }

    [Fact]
    public void A_due_day_on_a_daylight_saving_change_lasts_as_long_as_that_day_does()
    {
        // 30 days after 2 October 2026 is Sunday 1 November, when clocks go back: a 25-hour day.
        var fall = Federal.Due(RegulatoryRules.ChartCompletion, At("2026-10-02T16:00:00-04:00"));
        fall.DueDay.ShouldBe(new DateOnly(2026, 11, 1));
        fall.DueAt.ShouldBe(At("2026-11-02T00:00:00-05:00"));
        (fall.DueAt - At("2026-11-01T00:00:00-04:00")).ShouldBe(TimeSpan.FromHours(25));

        // 30 days after 6 February 2026 is Sunday 8 March, when clocks go forward: a 23-hour day.
        var spring = Federal.Due(RegulatoryRules.ChartCompletion, At("2026-02-06T16:00:00-05:00"));
        spring.DueDay.ShouldBe(new DateOnly(2026, 3, 8));
        (spring.DueAt - At("2026-03-08T00:00:00-05:00")).ShouldBe(TimeSpan.FromHours(23));
    }

    [Fact]
    public void Leap_years_have_their_29th_of_February()
    {
        Federal.Due(RegulatoryRules.ChartCompletion, At("2028-02-01T12:00:00-05:00")).DueDay.ShouldBe(new DateOnly(2028, 3, 2));
        Federal.Due(RegulatoryRules.ChartCompletion, At("2027-02-01T12:00:00-05:00")).DueDay.ShouldBe(new DateOnly(2027, 3, 3));
        Federal.Due(RegulatoryRules.AccountingOfDisclosures, At("2027-12-31T12:00:00-05:00")).DueDay.ShouldBe(new DateOnly(2028, 2, 29));
    }

    [Fact]
    public void Breach_notification_is_due_sixty_calendar_days_after_discovery_at_the_latest()
    {
        var due = Federal.Due(RegulatoryRules.BreachNotification, At("2026-12-10T08:15:00-05:00"));

        due.DueDay.ShouldBe(new DateOnly(2027, 2, 8));
        due.Citation.ShouldBe("45 CFR 164.404(b)");
    }

    [Fact]
    public void Twenty_four_hours_after_admission_are_elapsed_hours_even_across_a_clock_change()
    {
        // Admitted Saturday 7 March 2026 at 20:00 EST; the clocks go forward that night, so 24 hours later reads 21:00 EDT.
        var due = Federal.Due(RegulatoryRules.HistoryAndPhysical, At("2026-03-07T20:00:00-05:00"));

        due.DueAt.ShouldBe(At("2026-03-08T21:00:00-04:00"));
        due.DueDay.ShouldBe(new DateOnly(2026, 3, 8));
        (due.DueAt - due.Started).ShouldBe(TimeSpan.FromHours(24));

        var status = Federal.StatusAt(due, At("2026-03-08T16:00:00-04:00"));
        status.ShouldSatisfyAllConditions(s => s.DueToday.ShouldBeTrue(), s => s.Overdue.ShouldBeFalse(), s => s.TimeLeft.ShouldBe(TimeSpan.FromHours(5)));
        Federal.StatusAt(due, due.DueAt).Overdue.ShouldBeTrue();
    }

    [Fact]
    public void The_status_counts_days_left_and_says_when_it_is_due_today_and_when_overdue()
    {
        var due = Federal.Due(RegulatoryRules.RightOfAccess, At("2026-03-02T10:00:00-05:00"));

        var early = Federal.StatusAt(due, At("2026-03-30T12:00:00-04:00"));
        early.ShouldBe(new ClockStatus(new DateOnly(2026, 3, 30), 2, 2, due.DueAt - At("2026-03-30T12:00:00-04:00"), DueToday: false, Overdue: false));

        var lastMinute = Federal.StatusAt(due, At("2026-04-01T23:59:00-04:00"));
        lastMinute.ShouldSatisfyAllConditions(s => s.DaysLeft.ShouldBe(0), s => s.DueToday.ShouldBeTrue(), s => s.Overdue.ShouldBeFalse(),
            s => s.BusinessDaysLeft.ShouldBe(0), s => s.TimeLeft.ShouldBe(TimeSpan.FromMinutes(1)));

        var late = Federal.StatusAt(due, At("2026-04-02T00:00:00-04:00"));
        late.ShouldSatisfyAllConditions(s => s.DaysLeft.ShouldBe(-1), s => s.DueToday.ShouldBeFalse(), s => s.Overdue.ShouldBeTrue());
    }

    [Fact]
    public void Status_reads_now_from_the_time_provider()
    {
        var clock = new Infrastructure.TestClock();
        var clocks = Clock(clock: clock);
        var due = clocks.Due(RegulatoryRules.ChartCompletion, At("2026-10-20T09:00:00-04:00"));

        clock.Set(At("2026-11-19T08:00:00-05:00"));
        clocks.Status(due).DueToday.ShouldBeTrue();
        clock.Set(At("2026-11-20T00:00:00-05:00"));
        clocks.Status(due).Overdue.ShouldBeTrue();
    }
}
