using HimPortal.Data;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HimPortal.Web.Infrastructure;

/// <summary>
/// In Development the web app brings its database up to date on start. Anywhere else it refuses to start on a schema
/// that is behind, rather than fail later on a missing column: migrations are an operator's step (`himportal migrate`).
/// </summary>
public static class SchemaGate
{
    public static async Task<string?> CheckAsync(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var configuration = app.Configuration;
        await using var scope = app.Services.CreateAsyncScope();
        var logger = scope.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("HimPortal.SchemaGate");
        if (app.Environment.IsDevelopment() && configuration.GetValue("Database:MigrateOnStart", true))
        {
            var outcome = await DatabaseMigrator.MigrateAsync(
                DataServiceCollectionExtensions.AdminConnectionString(configuration),
                DataServiceCollectionExtensions.RequireConnectionString(configuration),
                CancellationToken.None);
            logger.LogInformation("Development database migrated: {Count} migration(s) applied", outcome.Applied.Count);
            if (outcome.Warning is not null)
            {
                logger.LogWarning("{Warning}", outcome.Warning);
            }

            return null;
        }

        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var pending = await DatabaseMigrator.PendingMigrationsAsync(db, CancellationToken.None);
        return pending.Count == 0
            ? null
            : $"The database schema is behind this version of HimPortal ({pending.Count} pending migration(s): {string.Join(", ", pending)}). " +
              "Run `himportal migrate` with the owner connection (ConnectionStrings:HimPortalAdmin), then start HimPortal again.";
    }
}

/// <summary>Ready when the database answers and its schema is current.</summary>
public sealed class DatabaseReadyHealthCheck(HimDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!await db.Database.CanConnectAsync(cancellationToken))
            {
                return HealthCheckResult.Unhealthy("database unreachable");
            }

            var pending = await DatabaseMigrator.PendingMigrationsAsync(db, cancellationToken);
            if (pending.Count > 0)
            {
                return HealthCheckResult.Unhealthy($"schema behind: {pending.Count} pending migration(s)");
            }

            // An audit append for a month without a partition fails, and so does the action it records: warn a month ahead.
            var until = await DatabaseMigrator.AuditPartitionsUntilAsync(db, cancellationToken);
            return until > DateTimeOffset.UtcNow.AddDays(31)
                ? HealthCheckResult.Healthy("database reachable, schema current")
                : HealthCheckResult.Degraded($"audit partitions end {until:yyyy-MM-dd}: run `himportal migrate` or check the background job");
        }
        catch (Npgsql.NpgsqlException ex)
        {
            return HealthCheckResult.Unhealthy("database unreachable", ex);
        }
    }
}
