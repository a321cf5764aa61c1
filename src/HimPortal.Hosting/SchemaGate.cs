using HimPortal.Data;

namespace HimPortal.Hosting;

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
        if (app.Environment.IsDevelopment() && app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value.MigrateOnStart)
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

        var pending = await DatabaseMigrator.PendingMigrationsAsync(DataServiceCollectionExtensions.RequireConnectionString(configuration), CancellationToken.None);
        return pending.Count == 0
            ? null
            : $"The database schema is behind this version of HimPortal ({pending.Count} pending migration(s): {string.Join(", ", pending)}). " +
              "Run `himportal migrate` with the owner connection (ConnectionStrings:HimPortalAdmin), then start HimPortal again.";
    }
}
