using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using BitMiracle.LibTiff.Classic;
using HimPortal.Documents.Imaging;
using PDFtoImage;
using SkiaSharp;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace HimPortal.Documents.Rendering;

/// <summary>How pages are rendered for display (issue 15 item 2).</summary>
/// <param name="Dpi">The display resolution: pages are never drawn finer than this (150 dpi reads well on screen).</param>
/// <param name="MaxWidth">The widest display image, in pixels (a large-format page is scaled to fit).</param>
/// <param name="ThumbnailWidth">The thumbnail's width, in pixels.</param>
/// <param name="MaxPixels">The most pixels a source page may decode to (a TIFF's declared size); more is hostile.</param>
public sealed record RenderSettings(int Dpi = 150, int MaxWidth = 1700, int ThumbnailWidth = 200, long MaxPixels = 120_000_000);

/// <summary>One rendered page: its display image's size, how much of it is inked (0..1), and its PDF text layer if any.</summary>
public sealed record RenderedPage(int Number, int Width, int Height, double Ink, string? Text);

/// <summary>A file the renderer cannot read: the message names the fault, never the content.</summary>
public sealed class UnreadablePageException(string message) : Exception(message);

/// <summary>
/// Renders every page of a PDF or TIFF, one page at a time, to a grey PNG at display resolution with square pixels (a
/// 204×98 fax page is stretched to its true shape) and a thumbnail, written as NNNN.png and NNNN.thumb.png in a folder.
/// Memory stays flat however many pages a file has: one page is decoded, written and dropped before the next. PDFium is
/// native code and the files are untrusted, so this runs only in the render worker process (ADR 0025), never in the
/// web app or the job runner.
/// </summary>
public static class PageRenderer
{
    public static string ImageName(int number) => number.ToString("D4", CultureInfo.InvariantCulture) + ".png";

    public static string ThumbnailName(int number) => number.ToString("D4", CultureInfo.InvariantCulture) + ".thumb.png";

    /// <summary>Renders the file's pages into <paramref name="folder"/>, calling <paramref name="rendered"/> after each.</summary>
    public static int Render(string path, string mediaType, string folder, RenderSettings settings, Action<RenderedPage> rendered)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(rendered);
        return mediaType switch
        {
            "application/pdf" => RenderPdf(path, folder, settings, rendered),
            "image/tiff" => RenderTiff(path, folder, settings, rendered),
            _ => throw new UnreadablePageException($"the renderer does not read {mediaType} files"),
        };
    }

    private static int RenderTiff(string path, string folder, RenderSettings settings, Action<RenderedPage> rendered)
    {
        using var file = File.OpenRead(path);
        using var tiff = Tiff.ClientOpen(Path.GetFileName(path), "r", file, new TiffStream())
            ?? throw new UnreadablePageException("the TIFF is damaged and cannot be read");
        var number = 0;
        do
        {
            number++;
            var page = ReadTiffPage(tiff, number, settings);
            Write(page, number, null, folder, settings, rendered);
        }
        while (tiff.ReadDirectory());

        return number;
    }

    private static GrayImage ReadTiffPage(Tiff tiff, int number, RenderSettings settings)
    {
        var width = tiff.GetField(TiffTag.IMAGEWIDTH)?[0].ToInt() ?? 0;
        var height = tiff.GetField(TiffTag.IMAGELENGTH)?[0].ToInt() ?? 0;
        if (width <= 0 || height <= 0)
        {
            throw new UnreadablePageException($"page {number} of the TIFF has no size");
        }

        if ((long)width * height > settings.MaxPixels)
        {
            throw new UnreadablePageException($"page {number} of the TIFF is {width}×{height} pixels, more than the {settings.MaxPixels} allowed");
        }

        // A fax without a resolution is taken as fine (204×196); a resolution given in centimetres is converted.
        var unit = tiff.GetField(TiffTag.RESOLUTIONUNIT)?[0].ToInt() ?? (int)ResUnit.INCH;
        var perInch = unit == (int)ResUnit.CENTIMETER ? 2.54 : 1;
        var dpiX = (tiff.GetField(TiffTag.XRESOLUTION)?[0].ToDouble() ?? 204) * perInch;
        var dpiY = (tiff.GetField(TiffTag.YRESOLUTION)?[0].ToDouble() ?? dpiX) * perInch;
        dpiX = dpiX is > 10 and < 5000 ? dpiX : 200;
        dpiY = dpiY is > 10 and < 5000 ? dpiY : dpiX;
        var image = new GrayImage(width, height, dpiX, dpiY);
        var bits = tiff.GetField(TiffTag.BITSPERSAMPLE)?[0].ToInt() ?? 1;
        var samples = tiff.GetField(TiffTag.SAMPLESPERPIXEL)?[0].ToInt() ?? 1;
        if (bits == 1 && samples == 1)
        {
            var photometric = (Photometric)(tiff.GetField(TiffTag.PHOTOMETRIC)?[0].ToInt() ?? (int)Photometric.MINISWHITE);
            var line = new byte[tiff.ScanlineSize()];
            for (var y = 0; y < height; y++)
            {
                if (!tiff.ReadScanline(line, y))
                {
                    throw new UnreadablePageException($"row {y} of page {number} of the TIFF is unreadable");
                }

                var row = y * width;
                for (var x = 0; x < width; x++)
                {
                    var bit = (line[x >> 3] >> (7 - (x & 7))) & 1;
                    var black = photometric == Photometric.MINISWHITE ? bit == 1 : bit == 0;
                    image.Pixels[row + x] = black ? (byte)0 : (byte)255;
                }
            }

            return image;
        }

        // Grey or colour scans: LibTiff's RGBA reader handles every layout; luminance by Rec. 601 weights.
        var raster = new int[width * height];
        if (!tiff.ReadRGBAImageOriented(width, height, raster, Orientation.TOPLEFT))
        {
            throw new UnreadablePageException($"page {number} of the TIFF is unreadable");
        }

        for (var i = 0; i < raster.Length; i++)
        {
            var rgba = raster[i];
            var r = Tiff.GetR(rgba);
            var g = Tiff.GetG(rgba);
            var b = Tiff.GetB(rgba);
            image.Pixels[i] = (byte)(((299 * r) + (587 * g) + (114 * b)) / 1000);
        }

        return image;
    }

    private static int RenderPdf(string path, string folder, RenderSettings settings, Action<RenderedPage> rendered)
    {
        if (!Supported)
        {
            throw new PlatformNotSupportedException("PDFium is packaged for Linux, Windows and macOS only.");
        }

        using var file = File.OpenRead(path);
        using var text = PdfDocument.Open(path, new ParsingOptions { UseLenientParsing = true });
        var sizes = Conversion.GetPageSizes(file, leaveOpen: true);
        for (var index = 0; index < sizes.Count; index++)
        {
            var size = sizes[index];
            if (size.Width <= 0 || size.Height <= 0)
            {
                throw new UnreadablePageException($"page {index + 1} of the PDF has no size");
            }

            // Never finer than the display resolution, never wider than the display width.
            var scale = Math.Min(settings.Dpi / 72.0, settings.MaxWidth / (double)size.Width);
            var width = Math.Max(1, (int)Math.Round(size.Width * scale));
            var height = Math.Max(1, (int)Math.Round(size.Height * scale));
            if ((long)width * height > settings.MaxPixels)
            {
                throw new UnreadablePageException($"page {index + 1} of the PDF is {width}×{height} pixels at display size, more than the {settings.MaxPixels} allowed");
            }

            var dpi = scale * 72;
            GrayImage page;
            using (var bitmap = Conversion.ToImage(file, index, leaveOpen: true, options: new RenderOptions(
                Width: width, Height: height, WithAspectRatio: false, BackgroundColor: SKColors.White, WithAnnotations: true)))
            {
                page = SkiaGray.FromBitmap(bitmap, dpi, dpi);
            }

            Write(page, index + 1, PageText(text, index + 1), folder, settings, rendered);
        }

        return sizes.Count;
    }

    /// <summary>The page's text layer in reading order, or null when it has none (a scanned page: OCR reads it later).</summary>
    private static string? PageText(PdfDocument document, int number)
    {
        if (number > document.NumberOfPages)
        {
            return null;
        }

        var text = ContentOrderTextExtractor.GetText(document.GetPage(number));
        return string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    private static void Write(GrayImage page, int number, string? text, string folder, RenderSettings settings, Action<RenderedPage> rendered)
    {
        // Display size: never finer than the display resolution, square pixels (a 204×98 fax page doubles its rows).
        var width = (int)Math.Round(page.Width * Math.Min(1, settings.Dpi / page.DpiX));
        width = Math.Clamp(width, 1, settings.MaxWidth);
        var height = Math.Max(1, (int)Math.Round(page.Height * (width / (double)page.Width) * (page.DpiX / page.DpiY)));
        using var source = SkiaGray.ToBitmap(page);
        using var display = Resize(source, width, height);
        var ink = Ink(display);
        Save(display, Path.Combine(folder, ImageName(number)));
        var thumbWidth = Math.Min(settings.ThumbnailWidth, width);
        var thumbHeight = Math.Max(1, (int)Math.Round(height * (thumbWidth / (double)width)));
        using (var thumbnail = Resize(display, thumbWidth, thumbHeight))
        {
            Save(thumbnail, Path.Combine(folder, ThumbnailName(number)));
        }

        rendered(new RenderedPage(number, width, height, ink, text));
    }

    private static SKBitmap Resize(SKBitmap source, int width, int height)
    {
        if (source.Width == width && source.Height == height)
        {
            return source.Copy();
        }

        // Mipmaps average the pixels a downscale drops (a fine fax's thin strokes stay grey instead of vanishing).
        return source.Resize(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear))
            ?? throw new UnreadablePageException("the page could not be scaled");
    }

    /// <summary>The share of dark pixels inside a 4 % margin (a scanner's dark edges are not ink).</summary>
    private static double Ink(SKBitmap image)
    {
        var marginX = image.Width / 25;
        var marginY = image.Height / 25;
        var row = new byte[image.Width];
        long dark = 0;
        long all = 0;
        var start = image.GetPixels();
        for (var y = marginY; y < image.Height - marginY; y++)
        {
            Marshal.Copy(start + (y * image.RowBytes), row, 0, image.Width);
            for (var x = marginX; x < image.Width - marginX; x++)
            {
                if (row[x] < 128)
                {
                    dark++;
                }
            }

            all += image.Width - (2 * marginX);
        }

        return all == 0 ? 0 : dark / (double)all;
    }

    private static void Save(SKBitmap bitmap, string path)
    {
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100)
            ?? throw new UnreadablePageException("the page could not be encoded");
        using var file = File.Create(path);
        data.SaveTo(file);
    }

    // CA1416: PDFtoImage declares the platforms its PDFium builds exist for; this guard tells the analyser.
    [SupportedOSPlatformGuard("linux")]
    [SupportedOSPlatformGuard("windows")]
    [SupportedOSPlatformGuard("macos")]
    private static bool Supported => OperatingSystem.IsLinux() || OperatingSystem.IsWindows() || OperatingSystem.IsMacOS();
}
