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
        return services;
    }

    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsHistoryTable("__EFMigrationsHistory", "public"))
            .UseSnakeCaseNamingConvention();

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
