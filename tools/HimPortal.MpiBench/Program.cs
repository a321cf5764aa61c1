using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HimPortal.Application;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Patients.Matching;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// himportal-mpi-bench COMMAND: what scripts/bench-mpi.sh times, through the engine's own services.
//   refresh                 rebuild every record's match keys (set-based), print {"records":N,"seconds":S}
//   match-sample [COUNT]    match COUNT random records (default 1000) against the whole index with
//                           PatientMatcher.CandidatesAsync, one at a time after 20 warm-ups; the baseline is a primary-key
//                           read of the same record's match keys, timed the same way; prints percentiles in ms
//   scan                    the full scan (ScanIndexHandler), then every linked or open pair by MRN, as
//                           `himportal mpi scan --json` prints it
// The database is ConnectionStrings__HimPortal.
if (args.Length == 0 || args[0] is not ("refresh" or "match-sample" or "scan"))
{
    await Console.Error.WriteLineAsync("usage: himportal-mpi-bench refresh | match-sample [COUNT] | scan");
    return 2;
}

var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
var services = new ServiceCollection();
services.AddSingleton<IConfiguration>(configuration);
services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddSimpleConsole(c => c.SingleLine = true)
    .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
services.AddSingleton(TimeProvider.System);
services.AddHimPortalData();
services.AddHimPortalApplication();
services.AddSingleton<IAuditActorAccessor, BenchActor>();
await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
var ct = CancellationToken.None;

switch (args[0])
{
    case "refresh":
    {
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        db.Database.SetCommandTimeout(TimeSpan.FromHours(1));
        var started = Stopwatch.GetTimestamp();
        var records = await MatchKeysRefresh.RefreshAllAsync(db, missingOnly: false, ct);
        Console.WriteLine(JsonSerializer.Serialize(new { records, seconds = Stopwatch.GetElapsedTime(started).TotalSeconds }));
        break;
    }

    case "match-sample":
    {
        var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var matcher = scope.ServiceProvider.GetRequiredService<PatientMatcher>();
        // A fixed sample (setseed) so two runs probe the same records.
        var ids = await db.Database.SqlQuery<Guid>($"""
            SELECT patient_id AS value FROM (SELECT setseed(0.16)) s, LATERAL (SELECT patient_id FROM mpi.match_keys ORDER BY random() LIMIT {count + 20}) k
            """).ToListAsync(ct);
        var match = new List<double>(count);
        var baseline = new List<double>(count);
        var candidates = 0L;
        for (var i = 0; i < ids.Count; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var found = await matcher.CandidatesAsync(ids[i], ct);
            var t1 = Stopwatch.GetTimestamp();
            _ = await db.MatchKeys.AsNoTracking().SingleAsync(k => k.PatientId == ids[i], ct);
            var t2 = Stopwatch.GetTimestamp();
            db.ChangeTracker.Clear();
            if (i < 20)
            {
                continue;
            }

            match.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
            baseline.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds);
            candidates += found.Count;
        }

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            probes = match.Count,
            candidates,
            match = Percentiles(match),
            baseline = Percentiles(baseline),
        }));
        break;
    }

    case "scan":
    {
        await using var scope = provider.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetRequiredService<ScanIndexHandler>();
        var result = await handler.HandleAsync(new ScanIndexCommand(), ct);
        if (result.Error is { } error)
        {
            await Console.Error.WriteLineAsync("error: " + error.Message);
            return 1;
        }

        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var pairs = await ScanIndexHandler.PairsAsync(db, ct);
        var s = result.Value!;
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            patients = s.Patients,
            seconds = s.Seconds,
            compared = s.Compared,
            linked = s.Linked,
            review = s.Review,
            pairs = pairs.Select(p => new { a = p.A, b = p.B, score = p.Score, outcome = p.Outcome }),
        }));
        break;
    }
}

return 0;

static object Percentiles(List<double> ms)
{
    var sorted = ms.Order().ToArray();
    double At(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
    return new { p50 = At(0.5), p95 = At(0.95), p99 = At(0.99), max = sorted.Length == 0 ? 0 : sorted[^1], mean = sorted.Length == 0 ? 0 : sorted.Average() };
}

/// <summary>The benchmark acts in the Console role, as `himportal` does: audit rows name it.</summary>
internal sealed class BenchActor : IAuditActorAccessor
{
    public AuditActor Current { get; } = new(null, "bench:" + Environment.UserName, [Roles.Console], "local", "himportal-mpi-bench", null);
}
