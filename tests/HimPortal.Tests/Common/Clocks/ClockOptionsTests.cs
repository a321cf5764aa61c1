using HimPortal.Application;
using HimPortal.Application.Common;
using HimPortal.Application.Common.Clocks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static HimPortal.Tests.Common.Clocks.ClockSetup;

namespace HimPortal.Tests.Common.Clocks;

/// <summary>Clock configuration is checked when the host starts; a bad value stops it with the key named.</summary>
public sealed class ClockOptionsTests
{
    private static string Failure(params (string Key, string Value)[] settings)
    {
        using var services = Services(settings.ToDictionary(s => s.Key, s => (string?)s.Value));
        return Should.Throw<Exception>(() => services.GetRequiredService<RegulatoryClock>()).Message;
    }

    [Theory]
    [InlineData("Clocks:Rules:RightOfAccess:Length", "0", "Clocks:Rules:RightOfAccess:Length")]
    [InlineData("Clocks:Rules:RightOfAccess:Length", "45", "Clocks:Rules:RightOfAccess:Length")]
    [InlineData("Clocks:Rules:RightOfAccess:MaxExtensions", "2", "Clocks:Rules:RightOfAccess:MaxExtensions")]
    [InlineData("Clocks:Rules:Amendment:ExtensionLength", "45", "Clocks:Rules:Amendment:ExtensionLength")]
    [InlineData("Clocks:Rules:HistoryAndPhysical:Unit", "CalendarDays", "Clocks:Rules:HistoryAndPhysical:Unit")]
    [InlineData("Clocks:Rules:RightOfAccess:Unit", "Fortnights", "Clocks:Rules:RightOfAccess:Unit")]
    [InlineData("Clocks:Rules:RightOfAccess:Length", "thirty", "Clocks:Rules:RightOfAccess:Length")]
    [InlineData("Clocks:Holidays:Closures:0", "2026-13-01", "Clocks:Holidays:Closures:0")]
    [InlineData("Clocks:Holidays:Omit:0", "Easter", "Clocks:Holidays:Omit:0")]
    [InlineData("Clocks:Rules:RightOfAccess:Lenght", "15", "Clocks:Rules:RightOfAccess:Lenght")]
    [InlineData("Clocks:Holidays:Federal", "yes", "Clocks:Holidays:Federal")]
    public void A_bad_value_is_refused_naming_its_key(string key, string value, string named)
    {
        Failure((key, value)).ShouldContain(named);
    }

    [Fact]
    public void A_rule_the_hospital_adds_must_name_title_citation_length_and_unit()
    {
        var message = Failure(("Clocks:Rules:StateCopies:ExtensionLength", "5"), ("Clocks:Rules:StateCopies:MaxExtensions", "1"));

        message.ShouldContain("Clocks:Rules:StateCopies:Title");
        message.ShouldContain("Clocks:Rules:StateCopies:Citation");
        message.ShouldContain("Clocks:Rules:StateCopies:Length");
        message.ShouldContain("Clocks:Rules:StateCopies:Unit");
        Failure(("Clocks:Rules:X:Title", "x"), ("Clocks:Rules:X:Citation", "x"), ("Clocks:Rules:X:Length", "5"), ("Clocks:Rules:X:Unit", "Hours"),
            ("Clocks:Rules:X:MaxExtensions", "1")).ShouldContain("Clocks:Rules:X:ExtensionLength");
    }

    [Fact]
    public void Valid_settings_tighten_a_federal_rule_and_add_new_ones()
    {
        var clock = Clock(new Dictionary<string, string?>
        {
            ["Clocks:Rules:RightOfAccess:Length"] = "15",
            ["Clocks:Rules:ChartCompletion:Length"] = "14",
            ["Clocks:Rules:ChartCompletion:Citation"] = "Medical staff bylaws 7.3 (test)",
            ["Clocks:Rules:StateCopies:Title"] = "Copies to a patient's attorney",
            ["Clocks:Rules:StateCopies:Citation"] = "State code (test)",
            ["Clocks:Rules:StateCopies:Length"] = "10",
            ["Clocks:Rules:StateCopies:Unit"] = "BusinessDays",
            ["Clocks:Holidays:Omit:0"] = "ColumbusDay",
        });

        clock.Rules.Get(RegulatoryRules.RightOfAccess).ShouldSatisfyAllConditions(
            r => r.Length.ShouldBe(15), r => r.Citation.ShouldBe("45 CFR 164.524(b)(2)"), r => r.Ceiling.ShouldNotBeNull());
        clock.Rules.Get("stateCOPIES").Unit.ShouldBe(ClockUnit.BusinessDays);
        clock.Rules.All.Count.ShouldBe(RegulatoryRules.Federal.Count + 1);
        clock.Due(RegulatoryRules.ChartCompletion, At("2026-10-05T12:00:00-04:00")).ShouldSatisfyAllConditions(
            d => d.DueDay.ShouldBe(new DateOnly(2026, 10, 19)), d => d.Citation.ShouldBe("Medical staff bylaws 7.3 (test)"));
        clock.Holidays.IsBusinessDay(new DateOnly(2026, 10, 12)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_host_with_a_bad_clock_setting_does_not_start()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Clocks:Rules:BreachNotification:Length"] = "90" });
        builder.Services.AddHimPortalApplication();
        using var host = builder.Build();

        var refused = await Should.ThrowAsync<OptionsValidationException>(() => host.StartAsync());

        refused.Message.ShouldContain("Clocks:Rules:BreachNotification:Length");
        refused.Message.ShouldContain("45 CFR 164.404(b)");
    }

    [Fact]
    public void A_hospital_day_starts_after_a_midnight_the_clocks_skip_and_at_the_first_of_two_midnights()
    {
        var havana = new HospitalTime(Microsoft.Extensions.Options.Options.Create(new HospitalOptions { TimeZone = "America/Havana" }));

        // Cuba moves its clocks at midnight: on 8 March 2026 from 00:00 to 01:00, on 1 November 2026 from 01:00 back to 00:00.
        havana.StartOf(new DateOnly(2026, 3, 8)).ShouldBe(DateTimeOffset.Parse("2026-03-08T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        havana.StartOf(new DateOnly(2026, 11, 1)).ShouldBe(DateTimeOffset.Parse("2026-11-01T04:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        havana.StartOf(new DateOnly(2026, 6, 1)).ShouldBe(DateTimeOffset.Parse("2026-06-01T04:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    }
}
