using System.CommandLine;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Intake;
using HimPortal.Application.Intake.ImportBundles;
using HimPortal.Data.Bulk;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HimPortal.Cli;

/// <summary>
/// The CLI's configuration and the import's services. The import's start-up names nothing of EF Core or Identity
/// (building them is a good part of a short command's time); the other commands' services are in CliHost.Admin.cs.
/// </summary>
internal static partial class CliHost
{
    /// <summary>
    /// Runs a command line. A failure is one line on standard error and exit code 1, not System.CommandLine's stack
    /// trace: the database unreachable or refusing, a missing connection string, or any other error, named by its type.
    /// A command stopped by SIGINT or SIGTERM exits with 130.
    /// </summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args)
    {
        ArgumentNullException.ThrowIfNull(root);
        try
        {
            // On SIGINT or SIGTERM the command's token is cancelled and its transaction rolls back; a busy machine may need more than
            // System.CommandLine's default 2 s for that before it gives up and the process dies with 143.
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration
            {
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
            });
        }
        catch (Microsoft.Extensions.Options.OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("error: invalid settings: " + string.Join("; ", ex.Failures));
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("ConnectionStrings", StringComparison.Ordinal)
                                                   || ex.Message.Contains("configuration value", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync("error: " + ex.Message);
        }
        catch (Npgsql.NpgsqlException ex)
        {
            await Console.Error.WriteLineAsync("error: the database could not be reached or refused the command: " + ex.Message);
        }
        catch (OperationCanceledException)
        {
            // SIGINT or SIGTERM: System.CommandLine cancels the command's token; its open transaction is rolled back.
            await Console.Error.WriteLineAsync("error: stopped before the command finished (interrupted or terminated)");
            return 130;
        }
        catch (Exception ex)
        {
            await Console.Error.WriteLineAsync($"error: {ex.GetType().Name}: {ex.Message}");
        }

        return 1;
    }

    public static IConfiguration Configuration(IDictionary<string, string?>? overrides = null) =>
        new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            // Not "appsettings.json": that name is the web app's, and both land in shared output folders (tests, containers).
            .AddJsonFile("himportal.settings.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(overrides ?? new Dictionary<string, string?>())
            .Build();

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
        services.AddScoped<PermissionCheck>();
        services.AddScoped<ImportBundlesHandler>();
        services.AddSettings<IntakeOptions>(IntakeOptions.Section);
        // The import records where the relationships it brings came from, trusted or not (Access:TrustedFeeds).
        services.AddSettings<AccessOptions>(AccessOptions.Section);
        return Validated(services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true }));
    }

    /// <summary>Checks every setting now, as the web host does at start: a bad one stops the command, naming its key.</summary>
    public static ServiceProvider Validated(ServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
        return services;
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

/// <summary>
/// Audit rows written from the console name the operating-system user who ran the command. The console acts in the
/// Console role: whoever holds the database's credentials may migrate, create the first administrator and keep the audit.
/// </summary>
internal sealed class CliAuditActor : IAuditActorAccessor
{
    private readonly string _correlationId = Guid.CreateVersion7().ToString("N");

    public AuditActor Current => new(null, "cli:" + Environment.UserName, [Roles.Console], "local", "himportal-cli", _correlationId);
}
