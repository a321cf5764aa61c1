using System.Security.Cryptography;
using System.Text;
using HimPortal.Application.Common.Letters;
using HimPortal.Application.Common.Store;
using HimPortal.Documents.Imaging;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace HimPortal.Application.Roi.Packets;

/// <summary>A region to remove from a page of an item: fractions of the page, origin top left.</summary>
public sealed record RegionMark(int Page, double X, double Y, double Width, double Height);

/// <summary>One item going into the packet, its content read, with the regions to remove.</summary>
public sealed record PacketEntry(string ResourceType, string ResourceKey, string Title, DateOnly? Date, ItemContent Content,
    IReadOnlyList<RegionMark> Redactions);

/// <summary>What the packet holds: the footer label of every page, the cover letter's lines, the Part 2 notice or not, the items.</summary>
public sealed record PacketSpec(string FooterLabel, IReadOnlyList<string> Cover, bool Part2Notice, IReadOnlyList<PacketEntry> Items);

/// <summary>An item in the manifest: where it is in the packet and the SHA-256 of what of it was released.</summary>
public sealed record ManifestItem(int Ordinal, string ResourceType, string ResourceKey, string Title, DateOnly? Date, int FirstPage, int LastPage,
    int RedactedPages, string Sha256);

public sealed record WrittenPacket(int PageCount, IReadOnlyList<ManifestItem> Items);

/// <summary>
/// Writes a release packet as one PDF with PdfPig's builder (ADR 0026), straight to a stream: the cover letter, the
/// 42 CFR 2.32 notice when Part 2 records are in it, every item (clinical items as plain text pages, scanned documents
/// as their page images, read one at a time from the document store so memory stays flat), then the manifest with each
/// item's SHA-256. Every page carries the footer "label - page i of n". A page with a redaction is rasterised and the
/// regions painted black in its pixels before it is embedded as an image: true removal, no text of it survives
/// (issue 17 item 5). An item's SHA-256 is over what of it was released, page by page: a text page's lines (UTF-8, one
/// "\n" after each) or an image page's PNG bytes as embedded.
/// </summary>
public sealed class PacketWriter(IDocumentStore store)
{
    private const double Width = 612;
    private const double Height = 792;
    private const double Margin = 54;
    private const double FontSize = 9.5;
    private const double Leading = 12;
    private const double FooterBand = 30;
    private const int Columns = 88;
    private const int LinesPerPage = (int)((Height - (2 * Margin) - FooterBand) / Leading) - 2;

    /// <summary>Resolution a redacted text page is rasterised at: readable print, a modest image.</summary>
    private const double RedactionDpi = 150;

    /// <summary>The page image being written, reused page after page (a scanned page is some hundreds of KB).</summary>
    private byte[] buffer = [];

    public async Task<WrittenPacket> WriteAsync(PacketSpec spec, Stream output, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var cover = Paginate(Wrapped(spec.Cover));
        var notice = spec.Part2Notice ? Paginate(["Notice to accompany disclosure (42 CFR 2.32)", "", .. LetterPdf.Wrap(PacketCoverage.Part2NoticeText, Columns)]) : [];
        var itemPages = spec.Items.Select(i => i.Content.Images.Count > 0 ? i.Content.Images.Count : Paginate(Wrapped(i.Content.Lines)).Count).ToList();
        var manifestLines = ManifestLines(spec.Items.Select((item, n) =>
            new ManifestItem(n + 1, item.ResourceType, item.ResourceKey, item.Title, item.Date, 0, 0, 0, new string('0', 64))).ToList());
        var manifestPageCount = Paginate(manifestLines).Count;
        var total = cover.Count + notice.Count + itemPages.Sum() + manifestPageCount;

        using var builder = new PdfDocumentBuilder(output, disposeStream: false);
        var mono = builder.AddStandard14Font(Standard14Font.Courier);
        var bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);
        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        var number = 0;

        void Footer(PdfPageBuilder page) =>
            page.AddText(LetterPdf.Printable($"{spec.FooterLabel}  -  page {++number} of {total}"), 8, new PdfPoint(Margin, 20), regular);

        void TextPage(IReadOnlyList<string> lines, string? header)
        {
            var page = builder.AddPage(PageSize.Letter);
            DrawText(page, lines, header, mono, bold);
            Footer(page);
        }

        foreach (var lines in cover)
        {
            TextPage(lines, null);
        }

        foreach (var lines in notice)
        {
            TextPage(lines, null);
        }

        var manifest = new List<ManifestItem>();
        for (var n = 0; n < spec.Items.Count; n++)
        {
            ct.ThrowIfCancellationRequested();
            var item = spec.Items[n];
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var first = number + 1;
            var redacted = 0;
            if (item.Content.Images.Count > 0)
            {
                for (var p = 0; p < item.Content.Images.Count; p++)
                {
                    var marks = item.Redactions.Where(r => r.Page == p + 1).ToList();
                    // The stored PNG is read into one buffer reused for every page (no large array a page for the GC).
                    var read = await ReadAsync(item.Content.Images[p].ImageObjectId, ct);
                    ReadOnlyMemory<byte> png = buffer.AsMemory(0, read);
                    if (marks.Count > 0)
                    {
                        var image = Png.Decode(png.ToArray(), 200, 200);
                        Paint(image, marks);
                        png = Png.Encode(image);
                        redacted++;
                    }

                    hash.AppendData(png.Span);
                    ImagePage(builder, png, item.Content.Images[p].Width, item.Content.Images[p].Height);
                }
            }
            else
            {
                var pages = Paginate(Wrapped(item.Content.Lines));
                for (var p = 0; p < pages.Count; p++)
                {
                    var header = p == 0 ? item.Title : $"{item.Title} (continued)";
                    var marks = item.Redactions.Where(r => r.Page == p + 1).ToList();
                    if (marks.Count > 0)
                    {
                        // True removal: the page is drawn alone, rasterised, painted, and only its pixels go in.
                        var png = RasterisedText(pages[p], header, marks);
                        hash.AppendData(png);
                        ImagePage(builder, png, (int)(Width / 72 * RedactionDpi), (int)(Height / 72 * RedactionDpi));
                        redacted++;
                    }
                    else
                    {
                        hash.AppendData(Encoding.UTF8.GetBytes(string.Concat(pages[p].Select(l => l + "\n"))));
                        TextPage(pages[p], header);
                    }
                }
            }

            manifest.Add(new ManifestItem(n + 1, item.ResourceType, item.ResourceKey, item.Title, item.Date, first, number, redacted,
                Convert.ToHexStringLower(hash.GetHashAndReset())));
        }

        foreach (var lines in Paginate(ManifestLines(manifest)))
        {
            TextPage(lines, null);
        }

        // No builder.Build() (issue 17 item 10: memory flat): on a stream, PdfPig 0.1.16's Build completes the document
        // and then reads the whole file back into a MemoryStream and an array to return it, ≈ 340 MB allocated for the
        // 68 MB benchmark packet (docs/benchmarks/roi.md). Disposing the builder completes the document (fonts, page
        // tree, cross-reference table) onto the stream and reads nothing back, as PdfPig's own PdfMerger.Merge(...,
        // Stream output) finishes; the `using` above does it when this method returns.
        return new WrittenPacket(number, manifest);

        void ImagePage(PdfDocumentBuilder target, ReadOnlyMemory<byte> png, int widthPixels, int heightPixels)
        {
            var imageHeight = Width * heightPixels / Math.Max(1, widthPixels);
            var page = target.AddPage(Width, imageHeight + FooterBand);
            var placement = new PdfRectangle(0, FooterBand, Width, FooterBand + imageHeight);
            if (!PngPassThrough.TryAdd(target, page, png.Span, placement))
            {
                page.AddPng(png.ToArray(), placement);
            }
            Footer(page);
        }
    }

    /// <summary>Reads a stored object into <see cref="buffer"/> (grown when needed); returns its length.</summary>
    private async Task<int> ReadAsync(Guid objectId, CancellationToken ct)
    {
        await using var stream = await store.OpenReadAsync(objectId, ct)
                                 ?? throw new InvalidOperationException($"Page image {objectId:D} is missing from the document store.");
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, Math.Max(1 << 20, buffer.Length * 2));
            }

            var n = await stream.ReadAsync(buffer.AsMemory(length), ct);
            if (n == 0)
            {
                return length;
            }

            length += n;
        }
    }

    private static void DrawText(PdfPageBuilder page, IReadOnlyList<string> lines, string? header, PdfDocumentBuilder.AddedFont mono,
        PdfDocumentBuilder.AddedFont bold)
    {
        var y = Height - Margin;
        if (header is not null)
        {
            page.AddText(LetterPdf.Printable(header.Length > 90 ? header[..90] : header), 11, new PdfPoint(Margin, y), bold);
            y -= 2 * Leading;
        }

        foreach (var line in lines)
        {
            if (line.Length > 0)
            {
                page.AddText(LetterPdf.Printable(line), FontSize, new PdfPoint(Margin, y), mono);
            }

            y -= Leading;
        }
    }

    private static byte[] RasterisedText(IReadOnlyList<string> lines, string header, IReadOnlyList<RegionMark> marks)
    {
        var image = RenderTextPage(lines, header);
        Paint(image, marks);
        return Png.Encode(image);
    }

    /// <summary>A text page drawn alone, as the packet draws it, and rendered to pixels (PDFium, HimPortal's own PDF).</summary>
    private static GrayImage RenderTextPage(IReadOnlyList<string> lines, string header)
    {
        var single = new PdfDocumentBuilder();
        var mono = single.AddStandard14Font(Standard14Font.Courier);
        var bold = single.AddStandard14Font(Standard14Font.HelveticaBold);
        DrawText(single.AddPage(PageSize.Letter), lines, header, mono, bold);
        return PdfRasterizer.Render(single.Build(), 0, RedactionDpi, RedactionDpi);
    }

    /// <summary>Page <paramref name="page"/> (from 1) of a clinical item as an image, for marking redactions; null past its last page.</summary>
    public static byte[]? PreviewTextPage(IReadOnlyList<string> lines, string title, int page)
    {
        var pages = Paginate(Wrapped(lines));
        return page < 1 || page > pages.Count ? null : Png.Encode(RenderTextPage(pages[page - 1], page == 1 ? title : $"{title} (continued)"));
    }

    /// <summary>Paints the regions black in the pixels themselves (a little beyond each edge, so no glyph's fringe survives).</summary>
    internal static void Paint(GrayImage image, IReadOnlyList<RegionMark> marks)
    {
        foreach (var mark in marks)
        {
            var x0 = Math.Clamp((int)Math.Floor(mark.X * image.Width) - 1, 0, image.Width);
            var y0 = Math.Clamp((int)Math.Floor(mark.Y * image.Height) - 1, 0, image.Height);
            var x1 = Math.Clamp((int)Math.Ceiling((mark.X + mark.Width) * image.Width) + 1, 0, image.Width);
            var y1 = Math.Clamp((int)Math.Ceiling((mark.Y + mark.Height) * image.Height) + 1, 0, image.Height);
            for (var y = y0; y < y1; y++)
            {
                Array.Fill(image.Pixels, (byte)0, (y * image.Width) + x0, x1 - x0);
            }
        }
    }

    /// <summary>Where a text line of an item falls: its lines wrapped to the page's width.</summary>
    public static List<string> Wrapped(IEnumerable<string> lines) =>
        [.. lines.SelectMany(l => l.Length == 0 ? [""] : l.Length <= Columns ? [l] : LetterPdf.Wrap(l, Columns))];

    /// <summary>How many text pages an item's lines make (for the page a redaction is asked on).</summary>
    public static int TextPageCount(IEnumerable<string> lines) => Paginate(Wrapped(lines)).Count;

    private static List<IReadOnlyList<string>> Paginate(List<string> lines) =>
        lines.Count == 0 ? [Array.Empty<string>()] : [.. lines.Chunk(LinesPerPage).Select(c => (IReadOnlyList<string>)c)];

    private static List<string> ManifestLines(IReadOnlyList<ManifestItem> items)
    {
        var lines = new List<string>
        {
            "Manifest",
            "",
            "Every item in this packet with the SHA-256 of what of it was released (see the cover letter).",
            "The packet's own SHA-256 cannot be printed inside the packet: it is given with the delivery and kept with the request.",
            "",
        };
        foreach (var item in items)
        {
            lines.Add(LetterPdf.Wrap($"{item.Ordinal}. {item.Title} ({item.Date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "undated"}), pages {item.FirstPage}-{item.LastPage}{(item.RedactedPages > 0 ? $", {item.RedactedPages} page(s) redacted" : "")}", Columns).First());
            lines.Add($"   SHA-256 {item.Sha256}");
        }

        return lines;
    }
}
