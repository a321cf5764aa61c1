using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using HimPortal.Application.Completion.Analysis;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Cli.Commands;

/// <summary>
/// `himportal completion bench-reanalyse --encounters FILE`: the re-analysis of one stay when a document arrives (issue
/// 18 item 6), timed in process: for each encounter of the file (stays a benchmark script gave a new document without
/// queueing them), queue it and run one analysis batch, as the job does. A trivial round trip (SELECT 1 on the same
/// services) is timed the same way as the baseline. Prints p50/p95/max in milliseconds as JSON.
/// </summary>
internal static class CompletionBenchCommand
{
    public static Command Create(Func<IConfiguration> configuration)
    {
        var file = new Option<FileInfo>("--encounters") { Description = "A file of encounter keys (clinical.encounters.id), one a line.", Required = true };
        var command = new Command("bench-reanalyse", "Benchmark: time the re-analysis of single stays (scripts/bench-completion-analysis.sh).") { file };
        command.Hidden = true;
        command.SetAction(async (parse, ct) =>
        {
            var encounters = (await File.ReadAllLinesAsync(parse.GetValue(file)!.FullName, ct)).Where(l => l.Length > 0).Select(Guid.Parse).ToList();
            await using var services = CliHost.Services(configuration());
            var baseline = new List<double>();
            var analysis = new List<double>();
            for (var i = -3; i < encounters.Count; i++)
            {
                // The first three are warm-up (JIT, EF model, connection pool): not counted.
                var encounter = encounters[Math.Max(i, 0)];
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
                var watch = Stopwatch.StartNew();
                await db.Database.ExecuteSqlAsync($"SELECT 1", ct);
                var roundTrip = watch.Elapsed.TotalMilliseconds;
                await db.Database.ExecuteSqlAsync($"INSERT INTO completion.analysis_queue (encounter_id, queued_at) VALUES ({encounter}, now()) ON CONFLICT DO NOTHING", ct);
                watch.Restart();
                var result = await scope.ServiceProvider.GetRequiredService<AnalyseStaysHandler>().HandleAsync(new AnalyseStaysCommand(), ct);
                var took = watch.Elapsed.TotalMilliseconds;
                if (result.Error is { } refused)
                {
                    await Console.Error.WriteLineAsync("error: " + refused.Message);
                    return 1;
                }

                if (i >= 0)
                {
                    baseline.Add(roundTrip);
                    analysis.Add(took);
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"stays\":{analysis.Count},\"baseline\":{Stats(baseline)},\"reanalysis\":{Stats(analysis)}}}"));
            return 0;
        });
        return command;
    }

    private static string Stats(List<double> samples)
    {
        samples.Sort();
        double At(double q) => samples.Count == 0 ? 0 : samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(q * samples.Count) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"{{\"p50_ms\":{At(0.50):F2},\"p95_ms\":{At(0.95):F2},\"max_ms\":{At(1):F2}}}");
    }
}
