using Microsoft.Extensions.Configuration;
using Npgsql;

namespace HimPortal.Data.Bulk;

/// <summary>
/// Plain Npgsql connections for bulk work that bypasses EF Core, which would first build its model (longer than
/// importing a small bundle takes). The same login, connection string and so the same pool as the DbContext.
/// </summary>
public sealed class BulkConnections(IConfiguration configuration)
{
    private readonly Lazy<string> _connectionString = new(() =>
        DataServiceCollectionExtensions.WithDefaults(DataServiceCollectionExtensions.RequireConnectionString(configuration)));

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(_connectionString.Value);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
