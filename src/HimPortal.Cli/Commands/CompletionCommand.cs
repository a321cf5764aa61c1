using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using HimPortal.Application.Completion.Analysis;
using HimPortal.Application.Completion.Status;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Cli.Commands;

/// <summary>`himportal completion`: chart completion (issue 18): the analysis's view of a patient, and the analysis run now.</summary>
internal static class CompletionCommand
{
    public static Command Create(Func<IConfiguration> configuration)
    {
        var mrn = new Option<string>("--patient") { Description = "The patient's MRN.", Required = true };
        var json = new Option<bool>("--json")
        {
            Description = "Print {\"stays\":[{\"encounter\":\"<FHIR id>\",\"discharged\":\"<time>\",\"complete\":false,\"deficiencies\":[{\"rule\":\"<rule name>\",\"status\":\"open|resolved\",\"responsible\":\"<NPI>\",\"due\":\"<time>\",\"delinquent\":false}]}]}.",
        };
        var status = new Command("status", "What the analysis holds for a patient: each analysed stay and its deficiencies.") { mrn, json };
        status.SetAction(async (parse, ct) =>
        {
            await using var services = CliHost.Services(configuration());
            await using var scope = services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<CompletionStatusHandler>().HandleAsync(new CompletionStatusQuery(parse.GetValue(mrn)!), ct);
            if (result.Error is { } refused)
            {
                await Console.Error.WriteLineAsync("error: " + refused.Message);
                return 1;
            }

            if (parse.GetValue(json))
            {
                await WriteJsonAsync(result.Value!);
            }
            else
            {
                foreach (var stay in result.Value!.Stays)
                {
                    Console.WriteLine($"{stay.Encounter}  discharged {Time(stay.Discharged)}  {(stay.Complete ? "complete" : "incomplete")}");
                    foreach (var d in stay.Deficiencies)
                    {
                        Console.WriteLine($"  {d.Status,-8} due {Time(d.Due)}  {d.Responsible ?? "HIM queue",-10}  {d.Rule}{(d.Delinquent ? "  DELINQUENT" : "")}");
                    }
                }
            }

            return 0;
        });

        var analyseJson = new Option<bool>("--json") { Description = "Print {\"stays\":N,\"created\":N,\"changed\":N,\"seconds\":S}." };
        var analyse = new Command("analyse", "Analyse every stay waiting on the queue now (what the completion.analyse-stays job does).") { analyseJson };
        analyse.SetAction(async (parse, ct) =>
        {
            await using var services = CliHost.Services(configuration());
            var started = System.Diagnostics.Stopwatch.StartNew();
            var (stays, created, changed) = (0, 0, 0);
            while (true)
            {
                await using var scope = services.CreateAsyncScope();
                var result = await scope.ServiceProvider.GetRequiredService<AnalyseStaysHandler>().HandleAsync(new AnalyseStaysCommand(), ct);
                if (result.Error is { } refused)
                {
                    await Console.Error.WriteLineAsync("error: " + refused.Message);
                    return 1;
                }

                (stays, created, changed) = (stays + result.Value!.Stays, created + result.Value.Created, changed + result.Value.Changed);
                if (!result.Value.MoreQueued || result.Value.Stays == 0)
                {
                    break;
                }
            }

            var seconds = started.Elapsed.TotalSeconds;
            Console.WriteLine(parse.GetValue(analyseJson)
                ? string.Create(CultureInfo.InvariantCulture, $"{{\"stays\":{stays},\"created\":{created},\"changed\":{changed},\"seconds\":{seconds:F2}}}")
                : string.Create(CultureInfo.InvariantCulture, $"Analysed {stays:N0} stays in {seconds:F1} s: {created:N0} deficiencies created, {changed:N0} changed."));
            return 0;
        });

        return new Command("completion", "Chart completion: the deficiency analysis of discharged stays, and the demo stays.") { status, analyse, CompletionDemoCommand.Create(), CompletionBenchCommand.Create(configuration) };
    }

    /// <summary>Times in UTC, ISO 8601 to the second (what scripts compare).</summary>
    internal static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static async Task WriteJsonAsync(PatientCompletionStatus status)
    {
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("stays");
            foreach (var stay in status.Stays)
            {
                writer.WriteStartObject();
                writer.WriteString("encounter", stay.Encounter);
                writer.WriteString("discharged", Time(stay.Discharged));
                writer.WriteBoolean("complete", stay.Complete);
                writer.WriteStartArray("deficiencies");
                foreach (var d in stay.Deficiencies)
                {
                    writer.WriteStartObject();
                    writer.WriteString("rule", d.Rule);
                    writer.WriteString("status", d.Status);
                    writer.WriteString("responsible", d.Responsible);
                    writer.WriteString("due", Time(d.Due));
                    writer.WriteBoolean("delinquent", d.Delinquent);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
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
