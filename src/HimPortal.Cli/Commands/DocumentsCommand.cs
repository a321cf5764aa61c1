using System.CommandLine;
using System.Text.Json;
using HimPortal.Application.Documents.CaptureFiles;
using HimPortal.Application.Documents.DemoDocuments;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Cli.Commands;

internal static class DocumentsCommand
{
    public static Command Create(Func<IConfiguration> configuration)
    {
        var source = new Option<string>("--source")
        {
            Description = "Where the files came from (a fax server, a scanner station); recorded with each file.",
            DefaultValueFactory = _ => "import",
        };
        var json = new Option<bool>("--json") { Description = "Print {\"files\":[{\"path\",\"ok\",\"error\",\"documentId\",\"pages\"}]} to standard output." };
        var paths = new Argument<string[]>("PATH")
        {
            Description = "PDF or TIFF files, or folders of them (each regular file of a folder, not its subfolders; the content decides, not the name).",
            Arity = ArgumentArity.OneOrMore,
        };
        var import = new Command("import",
            "Capture scanned or faxed documents: each file kept whole with its SHA-256 and queued; the same bytes again are not queued twice; a bad file is refused or parked as unreadable, naming the problem. Exit code 1 when any file failed.")
        {
            source,
            json,
            paths,
        };
        import.SetAction(async (parse, ct) =>
        {
            var files = new List<IncomingFile>();
            var missing = new List<CapturedFile>();
            foreach (var path in parse.GetValue(paths)!)
            {
                if (Directory.Exists(path))
                {
                    // Hidden files (a scanner's .lock, an editor's swap file) are not documents.
                    files.AddRange(Directory.GetFiles(path).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal)
                        .Select(f => new IncomingFile(f, Path.GetFileName(f))));
                }
                else if (File.Exists(path))
                {
                    files.Add(new IncomingFile(path, Path.GetFileName(path)));
                }
                else
                {
                    missing.Add(new CapturedFile(path, false, $"{path}: no such file or folder", null, null, false));
                }
            }

            var outcomes = new List<CapturedFile>(missing);
            if (files.Count > 0)
            {
                await using var services = CliHost.Services(configuration());
                await using var scope = services.CreateAsyncScope();
                var handler = scope.ServiceProvider.GetRequiredService<CaptureFilesHandler>();
                var result = await handler.HandleAsync(new CaptureFilesCommand(files, parse.GetValue(source)!), ct);
                if (result.Error is { } refused)
                {
                    await Console.Error.WriteLineAsync("error: " + refused.Message);
                    return 1;
                }

                outcomes.AddRange(result.Value!.Files);
            }

            if (parse.GetValue(json))
            {
                await WriteJsonAsync(outcomes);
            }
            else
            {
                foreach (var file in outcomes)
                {
                    if (file.Ok)
                    {
                        Console.WriteLine($"{file.Path}: {(file.Duplicate ? "already received as" : "queued as")} {file.DocumentId:D}, {file.Pages} page(s)");
                    }
                    else
                    {
                        await Console.Error.WriteLineAsync("failed: " + file.Error);
                    }
                }

                Console.WriteLine($"{outcomes.Count(f => f.Ok)} of {outcomes.Count} file(s) captured.");
            }

            return outcomes.All(f => f.Ok) ? 0 : 1;
        });
        return new Command("documents", "Scanned and faxed documents.")
        {
            import,
            Demo(configuration),
            DocumentsRenderCommands.Render(configuration),
            DocumentsRenderCommands.Ocr(configuration),
            DocumentsRenderCommands.Worker(),
            DocumentsSyntheticCommand.Create(),
        };
    }

    /// <summary>`himportal documents demo`: the run command's living queue of synthetic scans (issue 15 item 8).</summary>
    private static Command Demo(Func<IConfiguration> configuration)
    {
        var synthea = new Option<string>("--synthea")
        {
            Description = "The Synthea bundles the demo's patients came from.",
            DefaultValueFactory = _ => "data/synthea-r4",
        };
        var output = new Option<string>("--out")
        {
            Description = "Where the synthetic files are written and kept (a second run imports the same files, which are recognised and not queued twice).",
            Required = true,
        };
        var count = new Option<int>("--count") { Description = "How many files to make.", DefaultValueFactory = _ => 10 };
        var source = new Option<string>("--source") { Description = "The source recorded with each file.", DefaultValueFactory = _ => "fax-server" };
        var demo = new Command("demo",
            "Make synthetic scanned and faxed documents from the sample patients' notes (labelled SYNTHETIC; PDFs, fine and 204x98 fax TIFFs, cover-sheet batches naming the imported patients) and capture them.")
        {
            synthea,
            output,
            count,
            source,
        };
        demo.SetAction(async (parse, ct) =>
        {
            await using var services = CliHost.Services(configuration());
            await using var scope = services.CreateAsyncScope();
            var handler = scope.ServiceProvider.GetRequiredService<DemoDocumentsHandler>();
            var result = await handler.HandleAsync(new DemoDocumentsCommand(
                parse.GetValue(synthea)!, parse.GetValue(output)!, parse.GetValue(count), Source: parse.GetValue(source)!), ct);
            if (result.Error is { } error)
            {
                await Console.Error.WriteLineAsync("error: " + error.Message);
                return 1;
            }

            var summary = result.Value!;
            var files = summary.Capture.Files;
            Console.WriteLine($"{(summary.Reused ? "reused" : "made")} {files.Count} synthetic file(s): {files.Count(f => f.Ok && !f.Duplicate)} queued, "
                + $"{files.Count(f => f.Duplicate)} already received, {files.Count(f => !f.Ok)} failed.");
            foreach (var failed in files.Where(f => !f.Ok))
            {
                await Console.Error.WriteLineAsync("failed: " + failed.Error);
            }

            return files.All(f => f.Ok) ? 0 : 1;
        });
        return demo;
    }

    private static async Task WriteJsonAsync(IReadOnlyList<CapturedFile> files)
    {
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("files");
            foreach (var file in files)
            {
                writer.WriteStartObject();
                writer.WriteString("path", file.Path);
                writer.WriteBoolean("ok", file.Ok);
                writer.WriteString("error", file.Error);
                if (file.DocumentId is { } id)
                {
                    writer.WriteString("documentId", id);
                }
                else
                {
                    writer.WriteNull("documentId");
                }

                if (file.Pages is { } pages)
                {
                    writer.WriteNumber("pages", pages);
                }
                else
                {
                    writer.WriteNull("pages");
                }

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
