using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HimPortal.Data;

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
