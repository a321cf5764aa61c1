using BenchmarkDotNet.Attributes;
using HimPortal.Application;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Charts.GetChart;
using HimPortal.Benchmarks.Auditing;
using HimPortal.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HimPortal.Benchmarks.Charts;

/// <summary>
/// The application side of one chart view of the largest patient (the gate, every section's query, the audit row and
/// its commit), without HTTP and page rendering: time and allocations per read. Runs on the database that
/// scripts/bench-chart.sh prepares (HIMPORTAL_BENCH_DB), as its first physician.
/// </summary>
[MemoryDiagnoser]
public class ChartReadBenchmark
{
    private ServiceProvider _services = null!;
    private Guid _patientId;

    [GlobalSetup]
    public void Setup()
    {
        var connection = BenchmarkDatabase.ConnectionString;
        using (var db = new NpgsqlConnection(connection))
        {
            db.Open();
            using var command = new NpgsqlCommand("""
                SELECT p.id, u.id FROM clinical.patients p, identity.users u
                WHERE u.email = 'bench.physician1@bench.himportal.test'
                ORDER BY (SELECT count(*) FROM clinical.encounters e WHERE e.patient_id = p.id) DESC LIMIT 1
                """, db);
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                throw new InvalidOperationException("Run scripts/bench-chart.sh once first: it prepares the database.");
            }

            _patientId = reader.GetGuid(0);
            var userId = reader.GetGuid(1);
            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:HimPortal"] = connection }).Build());
            services.AddLogging();
            services.AddHimPortalData();
            services.AddHimPortalApplication();
            services.AddSingleton<IAuditActorAccessor>(new FixedActor(new AuditActor(userId, "bench.physician1", ["Physician"], "127.0.0.1", "benchmark", null)));
            _services = services.BuildServiceProvider();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark]
    public async Task<int> ReadChart()
    {
        await using var scope = _services.CreateAsyncScope();
        var read = await scope.ServiceProvider.GetRequiredService<GetChartHandler>()
            .HandleAsync(new GetChartQuery(_patientId), CancellationToken.None);
        return read.Status == ChartReadStatus.Shown ? read.Content!.Observations.All.Count : throw new InvalidOperationException(read.Status.ToString());
    }

    private sealed class FixedActor(AuditActor actor) : IAuditActorAccessor
    {
        public AuditActor Current => actor;
    }
}
