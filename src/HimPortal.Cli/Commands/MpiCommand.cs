using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HimPortal.Application.Patients.Matching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Cli.Commands;

/// <summary>`himportal mpi`: the master patient index (issue 16).</summary>
internal static class MpiCommand
{
    public static Command Create(Func<IConfiguration> configuration)
    {
        var json = new Option<bool>("--json")
        {
            Description = "Print {\"patients\":N,\"seconds\":S,\"pairs\":[{\"a\":\"MRN\",\"b\":\"MRN\",\"score\":0.97,\"outcome\":\"linked\"|\"review\"}]}: every pair the index holds as linked or waiting for review.",
        };
        var scan = new Command("scan",
            "Scan the whole index for duplicate records: blocking, scoring, and the same outcomes as arriving records (auto-link only when enabled in the settings).")
        {
            json,
        };
        scan.SetAction(async (parse, ct) =>
        {
            var asJson = parse.GetValue(json);
            await using var services = CliHost.Services(configuration());
            await using var scope = services.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredService<ScanIndexHandler>();
            var result = await handler.HandleAsync(new ScanIndexCommand(ListPairs: asJson), ct);
            if (result.Error is { } refused)
            {
                await Console.Error.WriteLineAsync("error: " + refused.Message);
                return 1;
            }

            var summary = result.Value!;
            if (asJson)
            {
                await WriteJsonAsync(summary);
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Scanned {summary.Patients:N0} records in {summary.Seconds:F1} s: {summary.Compared:N0} candidate pairs scored, {summary.Linked:N0} linked, {summary.Review:N0} new on the worklist."));
            }

            return 0;
        });
        return new Command("mpi", "The master patient index: find duplicate patient records.") { scan };
    }

    private static async Task WriteJsonAsync(ScanSummary summary)
    {
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("patients", summary.Patients);
            writer.WriteNumber("seconds", Math.Round(summary.Seconds, 1));
            writer.WriteStartArray("pairs");
            foreach (var pair in summary.Pairs)
            {
                writer.WriteStartObject();
                writer.WriteString("a", pair.A);
                writer.WriteString("b", pair.B);
                writer.WriteNumber("score", Math.Round(pair.Score, 4));
                writer.WriteString("outcome", pair.Outcome);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        await using var stdout = Console.OpenStandardOutput();
        await stdout.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }
}
