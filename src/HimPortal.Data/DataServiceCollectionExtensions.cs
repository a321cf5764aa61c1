using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Data;

public static class DataServiceCollectionExtensions
{
    /// <summary>The connection the application logs in with: append-and-read on the audit table, no DDL.</summary>
    public const string ConnectionName = "HimPortal";

    /// <summary>The owner connection used only by migrations; falls back to <see cref="ConnectionName"/>.</summary>
    public const string AdminConnectionName = "HimPortalAdmin";

    public static IServiceCollection AddHimPortalData(this IServiceCollection services)
    {
        // The connection string is read when the context is created, so hosts and tests can supply it late.
        services.AddDbContext<HimDbContext>((sp, options) =>
            Configure(options, RequireConnectionString(sp.GetRequiredService<IConfiguration>())));
        services.AddSingleton<Bulk.BulkConnections>();
        return services;
    }

    /// <summary>
    /// Data-protection keys (cookies, anti-forgery tokens) in the database, shared by every web node; only keys stored
    /// encrypted are used (Security/EncryptedKeyRepository).
    /// </summary>
    public static Microsoft.AspNetCore.DataProtection.IDataProtectionBuilder PersistKeysToHimPortalDatabase(
        this Microsoft.AspNetCore.DataProtection.IDataProtectionBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .Configure<IServiceProvider>((options, services) => options.XmlRepository = new Security.EncryptedKeyRepository(services));
        return builder;
    }

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(WithDefaults(connectionString), npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory", "public"))
            .UseSnakeCaseNamingConvention();

    /// <summary>
    /// Statements the application repeats (the audit append above all) are prepared automatically unless the connection
    /// string says otherwise: the server then skips parsing and planning them, which took audited appends from about
    /// 1,700 to 2,700 rows/s with 8 writers on a 2-core machine (scripts/bench-audit.sh).
    /// A pooled connection is not reset when it goes back to the pool (a request opens it twice: session, then work):
    /// the application keeps no session state there (its locks are transaction-scoped, its staging temp table is
    /// emptied on commit), and the reset statements cost the server a round of work on every open.
    /// </summary>
    public static string WithDefaults(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!connectionString.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    public static string RequireConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionName) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"The connection string ConnectionStrings:{ConnectionName} is not set (environment variable ConnectionStrings__{ConnectionName}).");

    public static string AdminConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(AdminConnectionName) is { Length: > 0 } admin
            ? admin
            : RequireConnectionString(configuration);
}
