using System.Globalization;
using HimPortal.Application.Access;
using HimPortal.Application.Compliance.Monitoring;
using HimPortal.Application.Compliance.Monitoring.Rules;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Compliance;

/// <summary>
/// An after-hours alert says why it fired, in the hospital's own time: "on a Sunday" for a weekend morning (not "outside
/// working hours (7:00 to 19:00)" for events at 10:58), "at 22:14" for a weekday night, both on the hospital's clock
/// (America/New_York here, where 22:14 is already the next day in UTC). A class of its own: its runs use another zone.
/// </summary>
public sealed class AfterHoursReasonTests(ComplianceWorld world) : IClassFixture<ComplianceWorld>
{
    private const string Zone = "America/New_York";

    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById(Zone);

    /// <summary>The latest day before today in New York that is a Sunday (or a weekday), and the instant of <paramref name="time"/> on it there.</summary>
    private static (DateOnly Day, DateTimeOffset At) InNewYork(bool sunday, TimeOnly time)
    {
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, NewYork).DateTime).AddDays(-1);
        while (sunday ? day.DayOfWeek != DayOfWeek.Sunday : day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            day = day.AddDays(-1);
        }

        var local = day.ToDateTime(time);
        return (day, new DateTimeOffset(local, NewYork.GetUtcOffset(local)));
    }

    private async Task RunInNewYorkAsync()
    {
        world.Clock.Set(DateTimeOffset.UtcNow);
        await using var services = world.Database.Services(world.Actor, world.Clock, new Dictionary<string, string?> { ["Hospital:TimeZone"] = Zone });
        await using var scope = services.CreateAsyncScope();
        world.ActAsComplianceOfficer();
        var run = await scope.ServiceProvider.GetRequiredService<RunMonitoringHandler>()
            .HandleAsync(new RunMonitoringCommand(Scheduled: false, Days: 9), CancellationToken.None);
        run.IsSuccess.ShouldBeTrue(run.Error?.Message);
    }

    [Fact]
    public async Task A_sunday_morning_alert_says_it_was_a_sunday_and_a_night_alert_gives_the_hospitals_time()
    {
        var patient = await world.PatientAsync("Week", "End");
        var sundayClerk = await world.StaffAsync(Roles.HimClerk);
        var nightClerk = await world.StaffAsync(Roles.HimClerk);
        var dayClerk = await world.StaffAsync(Roles.HimClerk);
        var (sunday, sundayMorning) = InNewYork(sunday: true, new TimeOnly(10, 58));
        var (weekday, weekdayNight) = InNewYork(sunday: false, new TimeOnly(22, 14));
        var (_, weekdayMorning) = InNewYork(sunday: false, new TimeOnly(10, 58));
        await world.ViewAsync(sundayClerk, patient, sundayMorning, "HOPERAT", "operations");
        await world.ViewAsync(sundayClerk, patient, sundayMorning.AddMinutes(12), "HOPERAT", "operations");
        await world.ViewAsync(nightClerk, patient, weekdayNight, "HOPERAT", "operations");
        await world.ViewAsync(dayClerk, patient, weekdayMorning, "HOPERAT", "operations");

        await RunInNewYorkAsync();

        var weekend = (await world.AlertsAsync(AfterHoursRule.RuleCode, sundayClerk.Id)).ShouldHaveSingleItem();
        weekend.Summary.ShouldContain($"on a Sunday ({sunday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}), at 10:58 and 11:10");
        weekend.Summary.ShouldContain("weekends count as after hours");
        weekend.Summary.ShouldNotContain("outside working hours");
        weekend.Evidence.ShouldContain("\"reason\": \"a weekend day\"");

        var night = (await world.AlertsAsync(AfterHoursRule.RuleCode, nightClerk.Id)).ShouldHaveSingleItem();
        night.Summary.ShouldContain(
            $"at 22:14 on {weekday.DayOfWeek} {weekday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, outside working hours (7:00 to 19:00)");
        night.Evidence.ShouldContain($"\"timeZone\": \"{Zone}\"");

        (await world.AlertsAsync(AfterHoursRule.RuleCode, dayClerk.Id)).ShouldBeEmpty("10:58 on a weekday is working hours");
    }
}
