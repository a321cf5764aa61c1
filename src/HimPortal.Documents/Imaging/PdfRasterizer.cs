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
            return SkiaGray.FromBitmap(bitmap, dpiX, dpiY);
        }
    }

    // CA1416: PDFtoImage declares the platforms its PDFium builds exist for; this guard tells the analyser.
    [SupportedOSPlatformGuard("linux")]
    [SupportedOSPlatformGuard("windows")]
    [SupportedOSPlatformGuard("macos")]
    private static bool Supported => OperatingSystem.IsLinux() || OperatingSystem.IsWindows() || OperatingSystem.IsMacOS();
}
