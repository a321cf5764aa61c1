using SkiaSharp;

namespace HimPortal.Documents.Imaging;

/// <summary>Grey images as PNG (SkiaSharp), for page images in PDFs and on screen.</summary>
public static class Png
{
    public static byte[] Encode(GrayImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var bitmap = SkiaGray.ToBitmap(image);
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>
    /// A PNG (a rendered page image) as grey pixels. PNG from Skia carries no resolution, so the caller says it (the
    /// page's width over the paper's, for instance).
    /// </summary>
    public static GrayImage Decode(byte[] png, double dpiX, double dpiY)
    {
        ArgumentNullException.ThrowIfNull(png);
        using var bitmap = SKBitmap.Decode(png) ?? throw new ArgumentException("Not an image Skia can read.", nameof(png));
        return SkiaGray.FromBitmap(bitmap, dpiX, dpiY);
    }
}
