using SkiaSharp;

namespace HimPortal.Documents.Imaging;

/// <summary>How a page looks after a scanner or fax machine: a little skew, speckle, and 1-bit thresholding.</summary>
/// <param name="SkewDegrees">The page's rotation; a sheet fed crooked is off by a degree or two.</param>
/// <param name="Speckle">The share of pixels flipped at random (dust, toner, line noise).</param>
public sealed record ScannerEffects(double SkewDegrees, double Speckle)
{
    public static ScannerEffects None { get; } = new(0, 0);

    public GrayImage Apply(GrayImage page, Random random)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(random);
        var skewed = Math.Abs(SkewDegrees) < 0.01 ? page : Rotate(page, SkewDegrees);
        var pixels = new byte[skewed.Pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = skewed.Pixels[i] < G4Tiff.Threshold ? (byte)0 : (byte)255;
        }

        // Speckle: that share of the pixels, picked at random (a draw per flip, not per pixel), turned over.
        var flips = (int)(pixels.Length * Speckle);
        for (var i = 0; i < flips; i++)
        {
            var at = random.Next(pixels.Length);
            pixels[at] = (byte)(255 - pixels[at]);
        }

        return new GrayImage(skewed.Width, skewed.Height, skewed.DpiX, skewed.DpiY, pixels);
    }

    private static GrayImage Rotate(GrayImage page, double degrees)
    {
        using var source = SkiaGray.ToBitmap(page);
        using var target = new SKBitmap(source.Info);
        using (var canvas = new SKCanvas(target))
        {
            canvas.Clear(SKColors.White);
            // Pixels that are not square (204×98) are rotated in the page's own geometry: scale to square, turn, scale back.
            var stretch = (float)(page.DpiY / page.DpiX);
            canvas.Translate(page.Width / 2f, page.Height / 2f);
            canvas.Scale(1, stretch);
            canvas.RotateDegrees((float)degrees);
            canvas.Scale(1, 1 / stretch);
            canvas.Translate(-page.Width / 2f, -page.Height / 2f);
            using var image = SKImage.FromBitmap(source);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear));
        }

        return SkiaGray.FromBitmap(target, page.DpiX, page.DpiY);
    }
}
