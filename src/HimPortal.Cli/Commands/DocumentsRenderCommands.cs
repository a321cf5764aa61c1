using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HimPortal.Application.Documents.Ocr;
using HimPortal.Application.Documents.RenderPages;
using HimPortal.Data;
using HimPortal.Data.Documents;
using HimPortal.Documents.Rendering;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Cli.Commands;

/// <summary>
/// `himportal documents render-worker` (the child process of ADR 0025), `documents render` and `documents ocr` (the
/// render and OCR jobs' work run in the foreground, for an operator and the benchmark).
/// </summary>
internal static class DocumentsRenderCommands
{
    public static Command Worker()
    {
        var command = new Command("render-worker",
            "Internal: renders one file's pages. Reads {\"path\",\"mediaType\",\"outputFolder\"} as JSON on standard input; writes one JSON line per page, then {\"done\":N} or {\"error\":\"...\"}. Run by the render job under time and memory limits, with no database access.");
        command.SetAction(async (_, ct) =>
        {
            var request = JsonSerializer.Deserialize<RenderWorkerRequest>(await Console.In.ReadToEndAsync(ct), RenderWorker.Json)
                ?? throw new InvalidOperationException("No render request on standard input.");
            await using var stdout = Console.OpenStandardOutput();
            await using var writer = new StreamWriter(stdout) { AutoFlush = true };
            var settings = new RenderSettings(request.Dpi, request.MaxWidth, request.ThumbnailWidth);
            try
            {
                var pages = PageRenderer.Render(request.Path, request.MediaType, request.OutputFolder, settings, page =>
                    writer.WriteLine(JsonSerializer.Serialize(new RenderWorkerLine(page.Number, page.Width, page.Height, page.Ink, page.Text), RenderWorker.Json)));
                await writer.WriteLineAsync(JsonSerializer.Serialize(new RenderWorkerLine(Done: pages), RenderWorker.Json));
                return 0;
            }
            catch (UnreadablePageException e)
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(new RenderWorkerLine(Error: e.Message), RenderWorker.Json));
                return 3;
            }
            catch (OutOfMemoryException)
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(
                    new RenderWorkerLine(Error: "rendering needed more memory than allowed (Documents:RenderMemoryMegabytes; a PDF bomb or a damaged file)"), RenderWorker.Json));
                return 3;
            }
#pragma warning disable CA1031 // Any reader's failure on an untrusted file is that file's problem, reported to the parent (ADR 0025).
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                await writer.WriteLineAsync(JsonSerializer.Serialize(
                    new RenderWorkerLine(Error: $"the file is damaged and cannot be rendered ({e.GetType().Name})"), RenderWorker.Json));
                return 3;
            }
        });
        return command;
    }

    public static Command Render(Func<IConfiguration> configuration)
    {
        var command = new Command("render",
            "Split every queued file into pages now, one after another (what the documents.render jobs do in the web app), and print pages per second.");
        command.SetAction(async (_, ct) =>
        {
            await using var services = CliHost.Services(configuration());
            List<Guid> queued;
            await using (var scope = services.CreateAsyncScope())
            {
                queued = await scope.ServiceProvider.GetRequiredService<HimDbContext>().ReceivedFiles.AsNoTracking()
                    .Where(f => f.Status == ReceivedFileStatus.Queued).OrderBy(f => f.ReceivedAt).Select(f => f.Id).ToListAsync(ct);
            }

            var clock = Stopwatch.StartNew();
            int pages = 0, split = 0, parked = 0;
            foreach (var id in queued)
            {
                await using var scope = services.CreateAsyncScope();
                var result = await scope.ServiceProvider.GetRequiredService<RenderFileHandler>().HandleAsync(new RenderFileCommand(id), ct);
                if (result.Error is { } refused)
                {
                    await Console.Error.WriteLineAsync("error: " + refused.Message);
                    return 1;
                }

                var outcome = result.Value!;
                if (outcome.Problem is not null && !outcome.AlreadyDone)
                {
                    parked++;
                    await Console.Error.WriteLineAsync($"parked: {id:D}: {outcome.Problem}");
                }
                else if (!outcome.AlreadyDone)
                {
                    split++;
                    pages += outcome.Pages;
                }
            }

            var seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{split} file(s) split into {pages} page(s), {parked} parked, in {seconds:0.0} s ({(seconds > 0 ? pages / seconds : 0):0.0} pages/s)."));
            return 0;
        });
        return command;
    }

    public static Command Ocr(Func<IConfiguration> configuration)
    {
        var command = new Command("ocr", "Read the text of every page waiting for OCR now, with tesseract (what the documents.ocr job does).");
        command.SetAction(async (_, ct) =>
        {
            await using var services = CliHost.Services(configuration());
            await using var scope = services.CreateAsyncScope();
            var clock = Stopwatch.StartNew();
            var outcome = await scope.ServiceProvider.GetRequiredService<OcrPagesJob>().RunAsync(ct);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{outcome.Done} page(s) read, {outcome.Failed} failed, {outcome.Unavailable} without OCR (tesseract not installed), in {clock.Elapsed.TotalSeconds:0.0} s."));
            return 0;
        });
        return command;
    }
}

/// <summary>`himportal documents synthetic`: scanned documents made from the Synthea notes, for the benchmark and the demo.</summary>
internal static class DocumentsSyntheticCommand
{
    public static Command Create()
    {
        var notes = new Option<string>("--notes") { Description = "Folder of Synthea bundles (*.json or *.json.gz).", Required = true };
        var output = new Option<string>("--out") { Description = "Folder to write the files into.", Required = true };
        var pages = new Option<int>("--pages") { Description = "Write files until they hold at least this many pages.", DefaultValueFactory = _ => 100 };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1 };
        var oneTiff = new Option<int>("--one-tiff")
        {
            Description = "Instead: one G4 fax TIFF (fine) of this many pages, the scans of a few notes repeated, written page by page.",
        };
        var command = new Command("synthetic",
            "Write synthetic scanned documents (labelled SYNTHETIC): scanned PDFs and fine and standard G4 fax TIFFs in turn, from Synthea notes.")
        {
            notes, output, pages, seed, oneTiff,
        };
        command.SetAction(parse =>
        {
            var folder = Directory.CreateDirectory(parse.GetValue(output)!).FullName;
            var source = HimPortal.Documents.Synthetic.SyntheaNotes.Read(parse.GetValue(notes)!, perPatient: 3);
            var documents = new HimPortal.Documents.Synthetic.SyntheticDocuments(parse.GetValue(seed));
            if (parse.GetValue(oneTiff) is > 0 and var count)
            {
                var scans = new List<HimPortal.Documents.Imaging.GrayImage>();
                for (var n = 0; scans.Count < 8 && n < source.Count; n++)
                {
                    var (dpiX, dpiY) = HimPortal.Documents.Synthetic.SyntheticDocuments.Dpi(HimPortal.Documents.Synthetic.FaxResolution.Fine);
                    scans.AddRange(documents.Scan(HimPortal.Documents.Synthetic.SyntheticDocuments.NotePdf(source[n]), dpiX, dpiY));
                }

                var path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"synthetic-fax-{count}-pages.tif"));
                using (var file = File.Create(path))
                {
                    HimPortal.Documents.Imaging.G4Tiff.Write(file, count, index => scans[index % scans.Count]);
                }

                Console.WriteLine($"{path}: {count} page(s)");
                return 0;
            }

            var target = parse.GetValue(pages);
            int written = 0, files = 0;
            for (var index = 0; written < target; index++)
            {
                var pdf = HimPortal.Documents.Synthetic.SyntheticDocuments.NotePdf(source[index % source.Count]);
                var (extension, bytes) = (index % 3) switch
                {
                    0 => (".pdf", documents.ScannedPdf(pdf)),
                    1 => (".tif", documents.FaxTiff(pdf, HimPortal.Documents.Synthetic.FaxResolution.Fine)),
                    _ => (".tif", documents.FaxTiff(pdf, HimPortal.Documents.Synthetic.FaxResolution.Standard)),
                };
                var path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"synthetic-{index + 1:00000}{extension}"));
                File.WriteAllBytes(path, bytes);
                written += extension == ".tif"
                    ? HimPortal.Documents.Imaging.G4Tiff.Describe(bytes).Count
                    : HimPortal.Documents.Imaging.PdfRasterizer.PageCount(bytes);
                files++;
            }

            Console.WriteLine($"{files} file(s), {written} page(s) in {folder}");
            return 0;
        });
        return command;
    }
}
