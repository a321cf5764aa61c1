using Microsoft.Extensions.Configuration;
using Npgsql;

namespace HimPortal.Data.Bulk;

/// <summary>
/// Plain Npgsql connections for bulk work that bypasses EF Core, which would first build its model (longer than
/// importing a small bundle takes). The same login as the DbContext, in a pool of its own that knows only the built-in
/// types the import sends (a slim data source that loads no type catalogue from the server): a command-line import is
/// a short-lived process, and setting up every type mapping Npgsql has costs it more than a bundle's worth of work.
/// </summary>
public sealed class BulkConnections(IConfiguration configuration) : IAsyncDisposable
{
    private readonly Lazy<NpgsqlDataSource> _dataSource = new(() =>
    {
        var builder = new NpgsqlSlimDataSourceBuilder(
            DataServiceCollectionExtensions.WithDefaults(DataServiceCollectionExtensions.RequireConnectionString(configuration)));
        return builder.EnableArrays().ConfigureTypeLoading(types => types.EnableTypeLoading(false)).Build();
    });

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken ct) => await _dataSource.Value.OpenConnectionAsync(ct);

    public async ValueTask DisposeAsync()
    {
        if (_dataSource.IsValueCreated)
        {
            await _dataSource.Value.DisposeAsync();
        }
    }
}
