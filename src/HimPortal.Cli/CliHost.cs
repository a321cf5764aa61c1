using HimPortal.Application;
using HimPortal.Application.Auditing;
using HimPortal.Application.Intake.ImportBundles;
using HimPortal.Application.Security;
using HimPortal.Data;
using HimPortal.Data.Bulk;
using HimPortal.Data.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HimPortal.Cli;

/// <summary>The CLI's services: the same data and application layers as the web app, read from the same configuration keys.</summary>
internal static class CliHost
{
    public static IConfiguration Configuration(IDictionary<string, string?>? overrides = null) =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            // Not "appsettings.json": that name is the web app's, and both land in shared output folders (tests, containers).
            .AddJsonFile("himportal.settings.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides ?? new Dictionary<string, string?>())
            .Build();

    public static ServiceProvider Services(IConfiguration configuration)
    {
        var services = Basics(configuration);
        services.AddHimPortalData();
        services.AddHimPortalApplication();
        services.AddIdentityCore<HimUser>(options => IdentitySetup.Configure(options, configuration))
            .AddRoles<HimRole>()
            .AddStores();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    /// <summary>
    /// What `import` needs and no more: the handler, its bulk connections and the audit appender. The import does not
    /// touch EF Core or Identity, and registering them (and scanning the application layer) is a good part of a short
    /// command's start-up. ImportSharedDataTests runs the real command, so a dependency missing here fails there.
    /// </summary>
    public static ServiceProvider ImportServices(IConfiguration configuration)
    {
        var services = Basics(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<BulkConnections>();
        services.AddScoped<AuditAppender>();
        services.AddScoped<ImportBundlesHandler>();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    private static ServiceCollection Basics(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        // Warnings and errors on standard error (standard output is the command's result, e.g. import --json).
        services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddSimpleConsole(console => console.SingleLine = true)
            .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        services.AddSingleton<IAuditActorAccessor, CliAuditActor>();
        return services;
    }
}

/// <summary>Audit rows written from the console name the operating-system user who ran the command.</summary>
internal sealed class CliAuditActor : IAuditActorAccessor
{
    private readonly string _correlationId = Guid.CreateVersion7().ToString("N");

    public AuditActor Current => new(null, "cli:" + Environment.UserName, [], "local", "himportal-cli", _correlationId);
}
