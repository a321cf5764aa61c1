using System.Runtime.InteropServices;
using SkiaSharp;

namespace HimPortal.Documents.Imaging;

/// <summary>Moves grey pixels between <see cref="GrayImage"/> and SkiaSharp's Gray8 bitmaps, row by row (Skia may pad rows).</summary>
internal static class SkiaGray
{
    public static SKBitmap ToBitmap(GrayImage image)
    {
        var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        var start = bitmap.GetPixels();
        for (var y = 0; y < image.Height; y++)
        {
            Marshal.Copy(image.Pixels, y * image.Width, start + (y * bitmap.RowBytes), image.Width);
        }

        return bitmap;
    }

    /// <summary>Any bitmap as grey; Skia converts colour to luminance when it copies to Gray8.</summary>
    public static GrayImage FromBitmap(SKBitmap bitmap, double dpiX, double dpiY)
    {
        using var converted = bitmap.ColorType == SKColorType.Gray8 ? null : bitmap.Copy(SKColorType.Gray8)
            ?? throw new InvalidOperationException("Skia could not convert the page to grey.");
        var gray = converted ?? bitmap;
        var image = new GrayImage(gray.Width, gray.Height, dpiX, dpiY);
        var start = gray.GetPixels();
        for (var y = 0; y < gray.Height; y++)
        {
            Marshal.Copy(start + (y * gray.RowBytes), image.Pixels, y * gray.Width, gray.Width);
        }

        return image;
    }
}
