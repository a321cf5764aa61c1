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
