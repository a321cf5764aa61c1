using System.Globalization;
using System.IO.Compression;
using System.Text;
using HimPortal.Application.Access;
using HimPortal.Application.Documents.CaptureFiles;
using HimPortal.Application.Documents.Ocr;
using HimPortal.Application.Documents.RenderPages;
using HimPortal.Application.Common.Store;
using HimPortal.Data;
using HimPortal.Data.Documents;
using HimPortal.Documents.Imaging;
using HimPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace HimPortal.Tests.Documents;

/// <summary>
/// The render worker (issue 15 item 2, ADR 0025): each kind of file splits into pages with images, thumbnails and text
/// or pending OCR, and one unindexed document; a crash, a hang or a bomb parks the file and the next still renders; a
/// second run does nothing. OCR (item 5) with tesseract when installed, unavailable when not.
/// </summary>
public sealed class RenderPagesTests(TestDatabase database) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private async Task<Guid> CaptureAsync(string name, byte[] bytes, IDictionary<string, string?>? settings = null)
    {
        await using var services = database.Services(settings: settings);
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<CaptureFilesHandler>()
            .HandleAsync(new CaptureFilesCommand([new IncomingFile(folder.Write(name, bytes), name)], "fax-test"), CancellationToken.None);
        var file = result.Value!.Files.ShouldHaveSingleItem();
        file.Ok.ShouldBeTrue(file.Error);
        return file.DocumentId!.Value;
    }

    private async Task<RenderFileOutcome> RenderAsync(Guid fileId, IDictionary<string, string?>? settings = null)
    {
        await using var services = database.Services(settings: settings);
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<RenderFileHandler>().HandleAsync(new RenderFileCommand(fileId), CancellationToken.None);
        result.Error.ShouldBeNull();
        return result.Value!;
    }

    private async Task<List<DocumentPage>> PagesAsync(Guid fileId)
    {
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HimDbContext>().Set<DocumentPage>().AsNoTracking()
            .Where(p => p.ReceivedFileId == fileId).OrderBy(p => p.Number).ToListAsync();
    }

    private async Task<byte[]> ObjectAsync(Guid id)
    {
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        await using var stream = (await scope.ServiceProvider.GetRequiredService<IDocumentStore>().OpenReadAsync(id, CancellationToken.None))!;
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private async Task<(int Width, int Height)> PngSizeAsync(Guid id)
    {
        using var bitmap = SKBitmap.Decode(await ObjectAsync(id));
        return (bitmap.Width, bitmap.Height);
    }

    [Fact]
    public async Task A_born_digital_pdf_splits_into_pages_with_their_text_layer_and_one_unindexed_document()
    {
        var id = await CaptureAsync("letter.pdf", SampleFiles.TextPdf(3, "render-born-digital"));

        var outcome = await RenderAsync(id);

        outcome.Status.ShouldBe(ReceivedFileStatus.Split);
        outcome.Pages.ShouldBe(3);
        outcome.PendingOcr.ShouldBe(0);
        var pages = await PagesAsync(id);
        pages.Select(p => p.Number).ShouldBe([1, 2, 3]);
        pages.ShouldAllBe(p => p.TextSource == PageTextSource.Pdf && p.OcrStatus == PageOcrStatus.NotNeeded && !p.LooksBlank);
        pages[1].Text!.ShouldContain("render-born-digital, page 2");
        // Letter at 150 dpi: 1275 × 1650.
        pages[0].WidthPixels.ShouldBe(1275);
        pages[0].HeightPixels.ShouldBe(1650);
        (await PngSizeAsync(pages[0].ImageObjectId!.Value)).ShouldBe((1275, 1650));
        (await PngSizeAsync(pages[0].ThumbnailObjectId!.Value)).Width.ShouldBe(200);

        (await database.ScalarAsync<string>($"SELECT status FROM documents.received_files WHERE id = '{id}'")).ShouldBe("split");
        (await database.ScalarAsync<string>($"""
            SELECT d.status || ':' || d.source || ':' || d.page_count || ':' || (d.received_at = f.received_at) || ':' ||
                   (SELECT string_agg(p.number::text, ',' ORDER BY dp.ordinal) FROM documents.document_pages dp JOIN documents.pages p ON p.id = dp.page_id WHERE dp.document_id = d.id)
            FROM documents.documents d JOIN documents.received_files f ON f.id = d.received_file_id WHERE d.received_file_id = '{id}'
            """)).ShouldBe("unindexed:fax-test:3:true:1,2,3");
    }

    [Theory]
    [InlineData(196, 153)]
    [InlineData(98, 306)]
    public async Task A_g4_fax_tiff_renders_at_150_dpi_with_square_pixels_and_waits_for_ocr(int dpiDown, int height)
    {
        // 1728 × 200 dots at 204 × dpiDown: 1271 px wide at 150 dpi; a standard (98 dpi) page is stretched to twice the rows.
        var id = await CaptureAsync($"fax-{dpiDown}.tif", SampleFiles.FaxTiff(2, dpiDown, 40 + dpiDown));

        var outcome = await RenderAsync(id);

        outcome.Pages.ShouldBe(2);
        outcome.PendingOcr.ShouldBe(2);
        var pages = await PagesAsync(id);
        pages.ShouldAllBe(p => p.WidthPixels == 1271 && p.HeightPixels == height);
        pages.ShouldAllBe(p => p.TextSource == PageTextSource.None && p.OcrStatus == PageOcrStatus.Pending && p.Text == null);
        (await PngSizeAsync(pages[1].ImageObjectId!.Value)).ShouldBe((1271, height));
        (await database.ScalarAsync<long>($"SELECT count(*) FROM jobs.jobs WHERE kind = 'documents.ocr' AND status = 'queued'")).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_scanned_pdf_waits_for_ocr_and_a_white_page_looks_blank()
    {
        var id = await CaptureAsync("scan.pdf", SampleFiles.ScannedPdf(2, 9));

        var outcome = await RenderAsync(id);

        outcome.Pages.ShouldBe(2);
        var pages = await PagesAsync(id);
        pages.ShouldAllBe(p => p.OcrStatus == PageOcrStatus.Pending && p.WidthPixels == 1275);
        var blank = await CaptureAsync("blank.tif", G4Tiff.Write([new GrayImage(1728, 2200, 204, 196)]));
        await RenderAsync(blank);
        (await PagesAsync(blank)).ShouldHaveSingleItem().LooksBlank.ShouldBeTrue();
        pages.ShouldAllBe(p => !p.LooksBlank);
    }

    [Fact]
    public async Task A_second_run_for_the_same_file_does_nothing()
    {
        var id = await CaptureAsync("twice.tif", SampleFiles.FaxTiff(1, 196, 77));
        (await RenderAsync(id)).AlreadyDone.ShouldBeFalse();

        var again = await RenderAsync(id);

        again.AlreadyDone.ShouldBeTrue();
        again.Status.ShouldBe(ReceivedFileStatus.Split);
        (await database.ScalarAsync<long>($"SELECT count(*) FROM documents.pages WHERE received_file_id = '{id}'")).ShouldBe(1);
        (await database.ScalarAsync<long>($"SELECT count(*) FROM documents.documents WHERE received_file_id = '{id}'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_crashing_or_hanging_worker_parks_the_file_and_the_next_file_still_renders()
    {
        var crash = folder.Write("crash.sh", Encoding.ASCII.GetBytes("#!/bin/sh\nkill -SEGV $$\n"));
        var hang = folder.Write("hang.sh", Encoding.ASCII.GetBytes("#!/bin/sh\nexec sleep 60\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(crash, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            File.SetUnixFileMode(hang, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }
        var first = await CaptureAsync("crashes.tif", SampleFiles.FaxTiff(1, 196, 201));
        var second = await CaptureAsync("hangs.tif", SampleFiles.FaxTiff(1, 196, 202));
        var third = await CaptureAsync("fine.tif", SampleFiles.FaxTiff(1, 196, 203));

        var crashed = await RenderAsync(first, new Dictionary<string, string?> { ["Documents:RenderWorkerPath"] = crash });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var hung = await RenderAsync(second, new Dictionary<string, string?>
        {
            ["Documents:RenderWorkerPath"] = hang,
            ["Documents:RenderTimeout"] = "00:00:01",
            ["Documents:RenderTimeoutPerPage"] = "00:00:00",
        });
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30));
        var fine = await RenderAsync(third);

        crashed.Status.ShouldBe(ReceivedFileStatus.Unreadable);
        crashed.Problem.ShouldBe("the renderer crashed on this file (a damaged or hostile file)");
        hung.Status.ShouldBe(ReceivedFileStatus.Unreadable);
        hung.Problem!.ShouldStartWith("rendering took longer than 1 s and was stopped");
        fine.Status.ShouldBe(ReceivedFileStatus.Split);
        (await database.ScalarAsync<string>($"SELECT status || ': ' || problem FROM documents.received_files WHERE id = '{second}'"))
            .ShouldStartWith("unreadable: rendering took longer");
        (await database.ScalarAsync<long>($"SELECT count(*) FROM documents.pages WHERE received_file_id IN ('{first}', '{second}')")).ShouldBe(0);
    }

    [Fact]
    public async Task A_pdf_content_bomb_over_the_memory_limit_parks_the_file_and_the_next_file_still_renders()
    {
        var bomb = await CaptureAsync("bomb.pdf", ContentBombPdf());
        var next = await CaptureAsync("next.pdf", SampleFiles.TextPdf(1, "after-the-bomb"));
        var limits = new Dictionary<string, string?> { ["Documents:RenderMemoryMegabytes"] = "256" };

        var parked = await RenderAsync(bomb, limits);
        var fine = await RenderAsync(next, limits);

        parked.Status.ShouldBe(ReceivedFileStatus.Unreadable);
        parked.Problem.ShouldNotBeNullOrWhiteSpace();
        fine.Status.ShouldBe(ReceivedFileStatus.Split);
    }

    [Fact]
    public async Task Ocr_reads_a_synthetic_pages_words_with_tesseract()
    {
        // Installed by .ci/run, as qpdf is for the PDF tests.
        TesseractOcr.Locate("tesseract").ShouldNotBeNull("tesseract is not installed: apt-get install tesseract-ocr tesseract-ocr-eng");
        var text = "SYNTHETIC DISCHARGE SUMMARY\nPatient was admitted with pneumonia and treated with antibiotics.";
        var page = PdfPages.Text("HIMPORTAL OCR TEST", text, "synthetic");
        var scanned = PdfPages.Images([PdfRasterizer.Render(page, 0, 200, 200)]);
        var id = await CaptureAsync("ocr.pdf", scanned);
        (await RenderAsync(id)).PendingOcr.ShouldBe(1);

        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<OcrPagesJob>().RunAsync(CancellationToken.None);

        outcome.Done.ShouldBeGreaterThanOrEqualTo(1);
        var read = (await PagesAsync(id)).ShouldHaveSingleItem();
        read.OcrStatus.ShouldBe(PageOcrStatus.Done);
        read.TextSource.ShouldBe(PageTextSource.Ocr);
        read.Text!.ShouldContain("pneumonia");
        read.Text!.ShouldContain("antibiotics");
    }

    [Fact]
    public async Task Without_tesseract_pending_pages_become_unavailable_and_the_queue_can_say_so()
    {
        var missing = new Dictionary<string, string?> { ["Documents:TesseractPath"] = Path.Combine(folder.Path, "no-tesseract-here") };
        var id = await CaptureAsync("no-ocr.tif", SampleFiles.FaxTiff(1, 98, 301));
        await RenderAsync(id);

        await using var setup = database.Services();
        var clerk = await Personas.CreateAsync(setup, Roles.HimClerk);
        var actor = new TestActor();
        actor.ActAs(clerk.Id, clerk.Email, Roles.HimClerk);
        await using var services = database.Services(actor, settings: missing);
        await using var scope = services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<OcrPagesJob>().RunAsync(CancellationToken.None);
        var availability = await scope.ServiceProvider.GetRequiredService<GetOcrAvailabilityHandler>()
            .HandleAsync(new GetOcrAvailabilityQuery(), CancellationToken.None);

        outcome.Unavailable.ShouldBeGreaterThanOrEqualTo(1);
        (await PagesAsync(id)).ShouldHaveSingleItem().OcrStatus.ShouldBe(PageOcrStatus.Unavailable);
        availability.Value!.Installed.ShouldBeFalse();
        availability.Value.Notice.ShouldBe("OCR not installed on this server: scanned pages have no text (indexing works without it).");
    }

    /// <summary>
    /// A content-stream bomb: a page whose Flate-compressed content (under a megabyte) inflates to 400 MB of tiny
    /// filled rectangles, some 30 million drawing objects a reader holds in memory at once.
    /// </summary>
    private static byte[] ContentBombPdf()
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            var chunk = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("1 1 1 1 re f\n", 80_000)));
            for (var written = 0L; written < 400_000_000; written += chunk.Length)
            {
                zlib.Write(chunk);
            }
        }

        var objects = new List<byte[]>
        {
            Encoding.ASCII.GetBytes("<< /Type /Catalog /Pages 2 0 R >>"),
            Encoding.ASCII.GetBytes("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"),
            Encoding.ASCII.GetBytes("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>"),
            Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"<< /Filter /FlateDecode /Length {compressed.Length} >>\nstream\n"))
                .Concat(compressed.ToArray()).Concat(Encoding.ASCII.GetBytes("\nendstream")).ToArray(),
        };
        using var pdf = new MemoryStream();
        pdf.Write("%PDF-1.4\n"u8);
        var offsets = new List<long>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(pdf.Position);
            pdf.Write(Encoding.ASCII.GetBytes($"{i + 1} 0 obj\n"));
            pdf.Write(objects[i]);
            pdf.Write("\nendobj\n"u8);
        }

        var xref = pdf.Position;
        var tail = new StringBuilder();
        tail.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            tail.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        tail.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        pdf.Write(Encoding.ASCII.GetBytes(tail.ToString()));
        return pdf.ToArray();
    }
}
