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
}
