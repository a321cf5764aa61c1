using HimPortal.Application.Common.Clocks;
using static HimPortal.Tests.Common.Clocks.ClockSetup;

namespace HimPortal.Tests.Common.Clocks;

/// <summary>State rules in business days: weekends, federal holidays (observed) and the hospital's closures are skipped.</summary>
public sealed class BusinessDayClockTests
{
    /// <summary>A state's stricter right of access: 15 business days.</summary>
    private static readonly Dictionary<string, string?> FifteenBusinessDays = new()
    {
        ["Clocks:Rules:RightOfAccess:Length"] = "15",
        ["Clocks:Rules:RightOfAccess:Unit"] = "BusinessDays",
        ["Clocks:Rules:RightOfAccess:Citation"] = "State health records act (test), 15 business days",
    };

    [Fact]
    public void Fifteen_business_days_skip_Thanksgiving_and_the_weekends()
    {
        var clock = Clock(FifteenBusinessDays);

        // Monday 23 November 2026: Thanksgiving is Thursday 26th.
        var due = clock.Due(RegulatoryRules.RightOfAccess, At("2026-11-23T11:00:00-05:00"));

        due.DueDay.ShouldBe(new DateOnly(2026, 12, 15));
        due.Citation.ShouldBe("State health records act (test), 15 business days");
        due.Governing.ShouldBe(due.Rule);
    }

    [Fact]
    public void A_configured_closure_is_skipped_too()
    {
        var settings = new Dictionary<string, string?>(FifteenBusinessDays) { ["Clocks:Holidays:Closures:0"] = "2026-11-27" };

        Clock(settings).Due(RegulatoryRules.RightOfAccess, At("2026-11-23T11:00:00-05:00")).DueDay.ShouldBe(new DateOnly(2026, 12, 16));
    }

    [Fact]
    public void Christmas_and_New_Year_are_skipped_on_the_days_they_are_observed()
    {
        var clock = Clock(new Dictionary<string, string?>
        {
            ["Clocks:Rules:TenDayNotice:Title"] = "Local policy: answer within ten business days",
            ["Clocks:Rules:TenDayNotice:Citation"] = "HIM policy 4.2 (test)",
            ["Clocks:Rules:TenDayNotice:Length"] = "10",
            ["Clocks:Rules:TenDayNotice:Unit"] = "BusinessDays",
        });

        // Monday 21 December 2026; Christmas Friday 25th, New Year's Day Friday 1 January.
        clock.Due("TenDayNotice", At("2026-12-21T09:00:00-05:00")).DueDay.ShouldBe(new DateOnly(2027, 1, 6));
        // 2027: Christmas falls on a Saturday (closed Friday 24th), and 1 January 2028 on a Saturday (closed Friday 31st).
        clock.Due("TenDayNotice", At("2027-12-20T09:00:00-05:00")).DueDay.ShouldBe(new DateOnly(2028, 1, 5));
    }

    [Fact]
    public void A_start_on_a_weekend_or_a_holiday_counts_from_the_next_business_day()
    {
        var clock = Clock(new Dictionary<string, string?>
        {
            ["Clocks:Rules:Short:Title"] = "Three business days",
            ["Clocks:Rules:Short:Citation"] = "test",
            ["Clocks:Rules:Short:Length"] = "3",
            ["Clocks:Rules:Short:Unit"] = "BusinessDays",
            ["Clocks:Rules:Inclusive:Title"] = "Two business days, the start day included",
            ["Clocks:Rules:Inclusive:Citation"] = "test",
            ["Clocks:Rules:Inclusive:Length"] = "2",
            ["Clocks:Rules:Inclusive:Unit"] = "BusinessDays",
            ["Clocks:Rules:Inclusive:StartDayCounts"] = "true",
            ["Clocks:Rules:TenCalendar:Title"] = "Ten calendar days, the start day included",
            ["Clocks:Rules:TenCalendar:Citation"] = "test",
            ["Clocks:Rules:TenCalendar:Length"] = "10",
            ["Clocks:Rules:TenCalendar:Unit"] = "CalendarDays",
            ["Clocks:Rules:TenCalendar:StartDayCounts"] = "true",
        });

        // Saturday 21 November 2026 → Monday 23rd is day 1.
        clock.Due("Short", At("2026-11-21T10:00:00-05:00")).DueDay.ShouldBe(new DateOnly(2026, 11, 25));
        // A start on Thanksgiving does not count even where the start day counts: Friday 27th, then Monday 30th.
        clock.Due("Inclusive", At("2026-11-26T10:00:00-05:00")).DueDay.ShouldBe(new DateOnly(2026, 11, 30));
        // A start on a business day that counts: that day and the next.
        clock.Due("Inclusive", At("2026-11-23T10:00:00-05:00")).DueDay.ShouldBe(new DateOnly(2026, 11, 24));
        clock.Due("TenCalendar", At("2026-01-05T10:00:00-05:00")).DueDay.ShouldBe(new DateOnly(2026, 1, 14));
    }

    [Fact]
    public void A_state_rule_never_runs_past_the_federal_limit()
    {
        // 25 business days from 23 November 2026 end on 30 December, after HIPAA's 30 calendar days (23 December).
        var clock = Clock(new Dictionary<string, string?>
        {
            ["Clocks:Rules:RightOfAccess:Length"] = "25",
            ["Clocks:Rules:RightOfAccess:Unit"] = "BusinessDays",
            ["Clocks:Rules:RightOfAccess:Citation"] = "State act (test)",
        });

        var due = clock.Due(RegulatoryRules.RightOfAccess, At("2026-11-23T11:00:00-05:00"));

        due.DueDay.ShouldBe(new DateOnly(2026, 12, 23));
        due.Citation.ShouldBe("45 CFR 164.524(b)(2)");
        due.Rule.Citation.ShouldBe("State act (test)");
    }

    [Fact]
    public void A_state_that_allows_no_extension_keeps_its_deadline()
    {
        var clock = Clock(new Dictionary<string, string?>(FifteenBusinessDays) { ["Clocks:Rules:RightOfAccess:MaxExtensions"] = "0" });

        Should.Throw<ArgumentOutOfRangeException>(() => clock.Due(RegulatoryRules.RightOfAccess, At("2026-11-23T11:00:00-05:00"), 1));
    }

    [Fact]
    public void Business_days_left_skip_the_holidays_between()
    {
        var clock = Clock(FifteenBusinessDays);
        var due = clock.Due(RegulatoryRules.RightOfAccess, At("2026-11-23T11:00:00-05:00"));

        // From Wednesday 25 November: Friday 27th, then 30 Nov–4 Dec, 7–11, 14–15 December.
        clock.StatusAt(due, At("2026-11-25T10:00:00-05:00")).BusinessDaysLeft.ShouldBe(13);
    }
}
