using HimPortal.Application.Clinical.Records;
using System.CommandLine;
using System.Text.Json;
using HimPortal.Application.Common;
using HimPortal.Application.Intake.ImportBundles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace HimPortal.Cli.Commands;

internal static class ImportCommand
{
    public static Command Create(Func<IConfiguration> configuration)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON summary object to standard output." };
        var paths = new Argument<string[]>("PATH")
        {
            Description = "FHIR R4 bundle files (.json, or gzip-compressed .json.gz), or folders of them; master data and patient bundles in any order.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("import", "Import FHIR R4 bundles into the clinical record: each bundle whole or not at all; re-importing changes nothing.")
        {
            json,
            paths,
        };
        command.SetAction(async (parse, ct) =>
        {
            var files = new List<BundleFile>();
            foreach (var path in parse.GetValue(paths)!)
            {
                if (Directory.Exists(path))
                {
                    files.AddRange(Directory.GetFiles(path, "*.json").Concat(Directory.GetFiles(path, "*.json.gz"))
                        .Order(StringComparer.Ordinal).Select(BundleFile.FromPath));
                }
                else if (File.Exists(path))
                {
                    files.Add(BundleFile.FromPath(path));
                }
                else
                {
                    await Console.Error.WriteLineAsync($"error: {path}: no such file or folder");
                    return 1;
                }
            }

            await using var services = CliHost.ImportServices(configuration());
            await using var scope = services.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredService<ImportBundlesHandler>();
            var result = Console.IsErrorRedirected
                ? await handler.HandleAsync(new ImportBundlesCommand(files), ct)
                : await WithProgressBarAsync(files.Count, progress => handler.HandleAsync(new ImportBundlesCommand(files, progress), ct));
            if (result.Error is { } refused)
            {
                await Console.Error.WriteLineAsync("error: " + refused.Message);
                return 1;
            }

            var summary = result.Value!;

            if (parse.GetValue(json))
            {
                await WriteJsonAsync(summary);
            }
            else
            {
                foreach (var failed in summary.Files.Where(f => !f.Ok))
                {
                    await Console.Error.WriteLineAsync("failed: " + failed.Error);
                }

                Console.WriteLine($"{summary.Files.Count(f => f.Ok)} of {summary.Files.Count} file(s) imported.");
                Console.WriteLine("created:   " + Line(summary.Created));
                Console.WriteLine("updated:   " + Line(summary.Updated));
                Console.WriteLine("unchanged: " + Line(summary.Unchanged));
                Console.WriteLine("skipped:   " + Line(summary.Skipped));
            }

            return summary.AllOk ? 0 : 1;
        });
        return command;
    }

    /// <summary>
    /// One line of JSON: <c>{"files":[{"path":…,"ok":…,"error":…}],"created":{…},"updated":{…},"unchanged":{…},"skipped":{…}}</c>.
    /// Written directly (the serializer's reflection over an anonymous type costs a short-lived command more than the rest of its output).
    /// </summary>
    private static async Task WriteJsonAsync(ImportSummary summary)
    {
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("files");
            foreach (var file in summary.Files)
            {
                writer.WriteStartObject();
                writer.WriteString("path", file.Path);
                writer.WriteBoolean("ok", file.Ok);
                writer.WriteString("error", file.Error);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            foreach (var (name, counts) in new[] { ("created", summary.Created), ("updated", summary.Updated), ("unchanged", summary.Unchanged), ("skipped", summary.Skipped) })
            {
                writer.WriteStartObject(name);
                foreach (var (type, count) in counts)
                {
                    writer.WriteNumber(type, count);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        await using var stdout = Console.OpenStandardOutput();
        await stdout.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    private static string Line(TypeCounts counts) =>
        counts.Count == 0 ? "-" : string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}"));

    /// <summary>A progress bar on standard error, so standard output stays clean for --json.</summary>
    private static async Task<Result<ImportSummary>> WithProgressBarAsync(int files, Func<IProgress<FileOutcome>, Task<Result<ImportSummary>>> run)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        Result<ImportSummary> summary = default;
        await console.Progress().StartAsync(async context =>
        {
            var bar = context.AddTask("Importing bundles", maxValue: files);
            summary = await run(new Progress<FileOutcome>(_ => bar.Increment(1)));
            bar.Value = bar.MaxValue;
        });
        return summary;
    }
}
