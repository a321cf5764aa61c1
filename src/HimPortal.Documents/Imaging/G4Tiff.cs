using System.Globalization;
using BitMiracle.LibTiff.Classic;

namespace HimPortal.Documents.Imaging;

/// <summary>
/// Multi-page bilevel TIFFs in CCITT Group 4, as fax servers write them: 204×196 dpi (fine) or 204×98 (standard).
/// A pixel darker than the threshold is black.
/// </summary>
public static class G4Tiff
{
    public const byte Threshold = 128;

    public static byte[] Write(IReadOnlyList<GrayImage> pages)
    {
        ArgumentNullException.ThrowIfNull(pages);
        if (pages.Count == 0)
        {
            throw new ArgumentException("A TIFF needs at least one page.", nameof(pages));
        }

        using var stream = new MemoryStream();
        using (var tiff = Tiff.ClientOpen("pages.tif", "w", stream, new TiffStream())
            ?? throw new InvalidOperationException("LibTiff could not open a TIFF for writing."))
        {
            for (var index = 0; index < pages.Count; index++)
            {
                WritePage(tiff, pages[index], index, pages.Count);
            }
        }

        return stream.ToArray();
    }

    /// <summary>
    /// Writes <paramref name="count"/> pages to <paramref name="output"/>, asking for each page only when it is written, so
    /// a long fax (the benchmark's 500 pages) never holds more than one page in memory.
    /// </summary>
    public static void Write(Stream output, int count, Func<int, GrayImage> page)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        using var tiff = Tiff.ClientOpen("pages.tif", "w", output, new TiffStream())
            ?? throw new InvalidOperationException("LibTiff could not open a TIFF for writing.");
        for (var index = 0; index < count; index++)
        {
            WritePage(tiff, page(index), index, count);
        }
    }

    /// <summary>The pages' sizes and resolutions, as a reader sees them.</summary>
    public static IReadOnlyList<TiffPageInfo> Describe(byte[] tiffBytes)
    {
        var pages = new List<TiffPageInfo>();
        using var tiff = Open(tiffBytes);
        do
        {
            pages.Add(new TiffPageInfo(
                tiff.GetField(TiffTag.IMAGEWIDTH)[0].ToInt(),
                tiff.GetField(TiffTag.IMAGELENGTH)[0].ToInt(),
                tiff.GetField(TiffTag.XRESOLUTION)[0].ToDouble(),
                tiff.GetField(TiffTag.YRESOLUTION)[0].ToDouble(),
                (Compression)tiff.GetField(TiffTag.COMPRESSION)[0].ToInt()));
        }
        while (tiff.ReadDirectory());

        return pages;
    }

    /// <summary>One page (0-based) as grey, black 0 and white 255, at the page's own resolutions.</summary>
    public static GrayImage ReadPage(byte[] tiffBytes, int page)
    {
        using var tiff = Open(tiffBytes);
        if (!tiff.SetDirectory((short)page))
        {
            throw new ArgumentOutOfRangeException(nameof(page), page, "The TIFF has no such page.");
        }

        var width = tiff.GetField(TiffTag.IMAGEWIDTH)[0].ToInt();
        var height = tiff.GetField(TiffTag.IMAGELENGTH)[0].ToInt();
        var photometric = (Photometric)tiff.GetField(TiffTag.PHOTOMETRIC)[0].ToInt();
        var image = new GrayImage(width, height,
            tiff.GetField(TiffTag.XRESOLUTION)[0].ToDouble(), tiff.GetField(TiffTag.YRESOLUTION)[0].ToDouble());
        var line = new byte[tiff.ScanlineSize()];
        for (var y = 0; y < height; y++)
        {
            if (!tiff.ReadScanline(line, y))
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"Row {y} of the TIFF is unreadable."));
            }

            for (var x = 0; x < width; x++)
            {
                var bit = (line[x >> 3] >> (7 - (x & 7))) & 1;
                var black = photometric == Photometric.MINISWHITE ? bit == 1 : bit == 0;
                image.Pixels[(y * width) + x] = black ? (byte)0 : (byte)255;
            }
        }

        return image;
    }

    private static Tiff Open(byte[] tiffBytes) =>
        Tiff.ClientOpen("pages.tif", "r", new MemoryStream(tiffBytes, writable: false), new TiffStream())
        ?? throw new InvalidDataException("Not a TIFF LibTiff can read.");

    private static void WritePage(Tiff tiff, GrayImage page, int index, int count)
    {
        tiff.SetField(TiffTag.SUBFILETYPE, FileType.PAGE);
        tiff.SetField(TiffTag.IMAGEWIDTH, page.Width);
        tiff.SetField(TiffTag.IMAGELENGTH, page.Height);
        tiff.SetField(TiffTag.BITSPERSAMPLE, 1);
        tiff.SetField(TiffTag.SAMPLESPERPIXEL, 1);
        tiff.SetField(TiffTag.COMPRESSION, Compression.CCITTFAX4);
        // Fax convention (TIFF Class F): 1 is black.
        tiff.SetField(TiffTag.PHOTOMETRIC, Photometric.MINISWHITE);
        tiff.SetField(TiffTag.FILLORDER, FillOrder.MSB2LSB);
        tiff.SetField(TiffTag.PLANARCONFIG, PlanarConfig.CONTIG);
        tiff.SetField(TiffTag.ROWSPERSTRIP, page.Height);
        tiff.SetField(TiffTag.RESOLUTIONUNIT, ResUnit.INCH);
        tiff.SetField(TiffTag.XRESOLUTION, page.DpiX);
        tiff.SetField(TiffTag.YRESOLUTION, page.DpiY);
        tiff.SetField(TiffTag.PAGENUMBER, index, count);

        var line = new byte[(page.Width + 7) / 8];
        for (var y = 0; y < page.Height; y++)
        {
            Array.Clear(line);
            for (var x = 0; x < page.Width; x++)
            {
                if (page.Pixels[(y * page.Width) + x] < Threshold)
                {
                    line[x >> 3] |= (byte)(0x80 >> (x & 7));
                }
            }

            tiff.WriteScanline(line, y);
        }

        tiff.WriteDirectory();
    }
}

/// <summary>One TIFF page as a reader sees it.</summary>
public sealed record TiffPageInfo(int Width, int Height, double DpiX, double DpiY, Compression Compression);
