using HimPortal.Application;
using HimPortal.Application.Common.Clocks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Common.Clocks;

/// <summary>The clocks as the application composes them, from configuration, without a database.</summary>
internal static class ClockSetup
{
    public const string NewYork = "America/New_York";

    public static ServiceProvider Services(IDictionary<string, string?>? settings = null, string zone = NewYork, TimeProvider? clock = null)
    {
        var values = new Dictionary<string, string?> { ["Hospital:TimeZone"] = zone };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        if (clock is not null)
        {
            services.AddSingleton(clock);
        }

        services.AddHimPortalApplication();
        return services.BuildServiceProvider();
    }

    public static RegulatoryClock Clock(IDictionary<string, string?>? settings = null, string zone = NewYork, TimeProvider? clock = null) =>
        Services(settings, zone, clock).GetRequiredService<RegulatoryClock>();

    /// <summary>An instant given as the hospital's wall-clock time in New York (offset written out, so the test reads as the law does).</summary>
    public static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);
}
