using BenchmarkDotNet.Attributes;
using HimPortal.Application.Audit;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Benchmarks.Auditing;

/// <summary>
/// Durable access-audit appends, each in its own transaction as a request would write it (claim a lane, link the hash,
/// insert, commit), from 1 and from 8 concurrent writers. Throughput = rows per second = 1 / reported mean.
/// </summary>
[MemoryDiagnoser]
public class AuditAppendBenchmark
{
    private const int AppendsPerInvoke = 400;

    private readonly AuditActor _actor = new(Guid.CreateVersion7(), null, ["Physician"], "127.0.0.1", "benchmark", null);

    [Params(1, 8, 16)]
    public int Writers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        ThreadPool.SetMinThreads(32, 32);
        BenchmarkDatabase.EnsureMigratedAsync().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = AppendsPerInvoke)]
    public async Task Append()
    {
        var perWriter = AppendsPerInvoke / Writers;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            await using var db = BenchmarkDatabase.NewContext();
            var audit = new AccessAudit(db, new FixedActor(_actor), TimeProvider.System);
            for (var i = 0; i < perWriter; i++)
            {
                await audit.RecordAloneAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "Patient", "benchmark",
                    Guid.CreateVersion7(), Details: "sections=header,problems"), CancellationToken.None);
            }
        })));
    }

    private sealed class FixedActor(AuditActor actor) : IAuditActorAccessor
    {
        public AuditActor Current => actor;
    }
}

/// <summary>The database the benchmarks run on: HIMPORTAL_BENCH_DB (an owner connection), migrated once.</summary>
internal static class BenchmarkDatabase
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("HIMPORTAL_BENCH_DB")
        ?? throw new InvalidOperationException("Set HIMPORTAL_BENCH_DB (scripts/bench-audit.sh does).");

    public static async Task EnsureMigratedAsync()
    {
        await DatabaseMigrator.MigrateAsync(ConnectionString, ConnectionString, CancellationToken.None);
    }

    public static HimDbContext NewContext() =>
        new((DbContextOptions<HimDbContext>)DataServiceCollectionExtensions
            .Configure(new DbContextOptionsBuilder<HimDbContext>(), ConnectionString).Options);
}
