using System.Runtime.Versioning;
using PDFtoImage;
using SkiaSharp;

namespace HimPortal.Documents.Imaging;

/// <summary>
/// Renders PDF pages to grey images with PDFium (PDFtoImage). Only for PDFs HimPortal made itself: incoming PDFs are
/// untrusted and are rendered in a worker process with limits (issue 15), not here. PDFium is not thread-safe, so one
/// page renders at a time in this process.
/// </summary>
public static class PdfRasterizer
{
    private static readonly Lock Gate = new();

    public static int PageCount(byte[] pdf)
    {
        if (!Supported)
        {
            throw new PlatformNotSupportedException("PDFium is packaged for Linux, Windows and macOS only.");
        }

        lock (Gate)
        {
            return Conversion.GetPageCount(pdf);
        }
    }

    /// <summary>One page (0-based) at the given resolution; the two may differ, as a fax's do.</summary>
    public static GrayImage Render(byte[] pdf, int page, double dpiX, double dpiY)
    {
        if (!Supported)
        {
            throw new PlatformNotSupportedException("PDFium is packaged for Linux, Windows and macOS only.");
        }

        SKBitmap bitmap;
        lock (Gate)
        {
            var size = Conversion.GetPageSize(pdf, page);
            var width = (int)Math.Round(size.Width / 72 * dpiX);
            var height = (int)Math.Round(size.Height / 72 * dpiY);
            bitmap = Conversion.ToImage(pdf, page, options: new RenderOptions(
                Width: width, Height: height, WithAspectRatio: false, BackgroundColor: SKColors.White));
        }

        using (bitmap)
        {
            return ToGray(bitmap, dpiX, dpiY);
        }
    }

    internal static GrayImage ToGray(SKBitmap bitmap, double dpiX, double dpiY)
    {
        var pixels = new byte[bitmap.Width * bitmap.Height];
        for (var y = 0; y < bitmap.Height; y++)
        {
            for (var x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                // ITU-R BT.601 luma: the weights a scanner's grey mode uses.
                pixels[(y * bitmap.Width) + x] = (byte)(((299 * c.Red) + (587 * c.Green) + (114 * c.Blue)) / 1000);
            }
        }

        return new GrayImage(bitmap.Width, bitmap.Height, dpiX, dpiY, pixels);
    }

    // CA1416: PDFtoImage declares the platforms its PDFium builds exist for; this guard tells the analyser.
    [SupportedOSPlatformGuard("linux")]
    [SupportedOSPlatformGuard("windows")]
    [SupportedOSPlatformGuard("macos")]
    private static bool Supported => OperatingSystem.IsLinux() || OperatingSystem.IsWindows() || OperatingSystem.IsMacOS();
}
