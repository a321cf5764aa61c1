namespace HimPortal.Documents.Imaging;

/// <summary>
/// An 8-bit grey page image, 0 black to 255 white, row by row, with its resolution. A fax's pixels are not square
/// (204×98 dpi stretches a page to half its height), so the two resolutions are kept apart.
/// </summary>
public sealed class GrayImage
{
    public GrayImage(int width, int height, double dpiX, double dpiY, byte[]? pixels = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        DpiX = dpiX;
        DpiY = dpiY;
        Pixels = pixels ?? Enumerable.Repeat((byte)255, width * height).ToArray();
        if (Pixels.Length != width * height)
        {
            throw new ArgumentException("The pixels do not fill width × height.", nameof(pixels));
        }
    }

    public int Width { get; }

    public int Height { get; }

    public double DpiX { get; }

    public double DpiY { get; }

    /// <summary>Row by row, Width bytes a row.</summary>
    public byte[] Pixels { get; }

    public byte this[int x, int y] => Pixels[(y * Width) + x];

    /// <summary>The same page with square pixels at DpiX, as a viewer shows a 204×98 fax (rows repeated).</summary>
    public GrayImage WithSquarePixels()
    {
        if (Math.Abs(DpiX - DpiY) < 1)
        {
            return this;
        }

        var height = (int)Math.Round(Height * DpiX / DpiY);
        var pixels = new byte[Width * height];
        for (var y = 0; y < height; y++)
        {
            // The source row under the new row's centre, so rounding never shows one row three times and the next once.
            var source = Math.Min(Height - 1, (int)((y + 0.5) * Height / height));
            Array.Copy(Pixels, source * Width, pixels, y * Width, Width);
        }

        return new GrayImage(Width, height, DpiX, DpiX, pixels);
    }

    /// <summary>The page shrunk by a whole factor, each pixel the mean of the block it covers (which also fades speckle).</summary>
    public GrayImage Reduced(int factor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(factor);
        if (factor == 1)
        {
            return this;
        }

        var width = Math.Max(1, Width / factor);
        var height = Math.Max(1, Height / factor);
        var pixels = new byte[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var sum = 0;
                for (var dy = 0; dy < factor; dy++)
                {
                    var row = ((y * factor) + dy) * Width;
                    for (var dx = 0; dx < factor; dx++)
                    {
                        sum += Pixels[row + (x * factor) + dx];
                    }
                }

                pixels[(y * width) + x] = (byte)(sum / (factor * factor));
            }
        }

        return new GrayImage(width, height, DpiX / factor, DpiY / factor, pixels);
    }
}
