using HimPortal.Documents.Imaging;
using ZXing;
using ZXing.Common;

namespace HimPortal.Documents.CoverSheets;

/// <summary>Finds and decodes a HimPortal cover sheet's barcode on a page image (a scanned or faxed page).</summary>
public static class CoverSheetReader
{
    /// <summary>
    /// The resolutions tried, coarsest first. Averaging blocks fades a scanner's speckle, which otherwise breaks the
    /// 1:1:3:1:1 runs ZXing looks for in the finder patterns: a sweep of skew and speckle over fax pages read every one
    /// at ~70 dpi, most at ~100 and few at full resolution, so full resolution is not tried: on an ordinary page (every
    /// page of a batch is looked at) it cost ~135 ms against a few for the two reduced tries. The 0.1-inch modules are 7
    /// pixels even at 70 dpi.
    /// </summary>
    private static readonly double[] TargetDpi = [70, 100];

    /// <summary>The cover sheet's code, or null when the page carries none (an ordinary page, or a foreign barcode).</summary>
    public static CoverSheetCode? Read(GrayImage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        // A 204×98 fax squeezes the code to half its height: the finder patterns need square pixels.
        var square = page.WithSquarePixels();
        var factors = TargetDpi.Select(dpi => Math.Max(1, (int)Math.Round(square.DpiX / dpi))).Distinct();
        foreach (var factor in factors)
        {
            if (Decode(square.Reduced(factor)) is { } code)
            {
                return code;
            }
        }

        return null;
    }

    private static CoverSheetCode? Decode(GrayImage image)
    {
        var reader = new BarcodeReaderGeneric
        {
            AutoRotate = true,
            Options = new DecodingOptions
            {
                TryHarder = true,
                PossibleFormats = [BarcodeFormat.QR_CODE],
                CharacterSet = "ISO-8859-1",
            },
        };
        var source = new RGBLuminanceSource(image.Pixels, image.Width, image.Height, RGBLuminanceSource.BitmapFormat.Gray8);
        return CoverSheetCode.TryParse(reader.Decode(source)?.Text);
    }
}
