using Serilog;
using Serilog.Events;

namespace HimPortal.Hosting;

/// <summary>
/// Levels and enrichers come from the "Serilog" section; the two sinks are set here, in code, and only their file
/// path and retention from "Logs". Configuration-driven sinks break when a host flattens the configuration
/// (WebApplicationFactory turns each parent section into an empty string, which Serilog reads as a sink name), and
/// a silently missing log file is worse than a fixed sink list.
/// </summary>
public static class LoggingSetup
{
    private const string ConsoleTemplate = "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj} {CorrelationId}{NewLine}{Exception}";
    private const string FileTemplate = "{Timestamp:o} [{Level:u3}] {SourceContext} {CorrelationId} {Message:lj}{NewLine}{Exception}";

    public static LoggerConfiguration Configure(LoggerConfiguration logger, IConfiguration configuration, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(configuration);
        logger
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .MinimumLevel.Override("System", LogEventLevel.Warning)
            .ReadFrom.Configuration(configuration)
            .ReadFrom.Services(services)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: ConsoleTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);

        var settings = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<LogsOptions>>().Value;
        var path = settings.Path;
        if (!string.IsNullOrWhiteSpace(path))
        {
            logger.WriteTo.File(
                path,
                outputTemplate: FileTemplate,
                formatProvider: System.Globalization.CultureInfo.InvariantCulture,
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: settings.RetainedDays,
                shared: true);
        }

        return logger;
    }
}
