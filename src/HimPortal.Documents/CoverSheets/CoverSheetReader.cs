using HimPortal.Documents.Imaging;
using ZXing;
using ZXing.Common;

namespace HimPortal.Documents.CoverSheets;

/// <summary>Finds and decodes a HimPortal cover sheet's barcode on a page image (a scanned or faxed page).</summary>
public static class CoverSheetReader
{
    /// <summary>The cover sheet's code, or null when the page carries none (an ordinary page, or a foreign barcode).</summary>
    public static CoverSheetCode? Read(GrayImage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        // A 204×98 fax squeezes the code to half its height: the finder patterns need square pixels.
        var square = page.WithSquarePixels();
        // About 100 dpi is enough for 0.1-inch modules, and averaging blocks fades a scanner's speckle, which otherwise
        // breaks the 1:1:3:1:1 runs ZXing looks for in the finder patterns.
        square = square.Reduced(Math.Max(1, (int)Math.Round(square.DpiX / 100)));
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
        var source = new RGBLuminanceSource(square.Pixels, square.Width, square.Height, RGBLuminanceSource.BitmapFormat.Gray8);
        return CoverSheetCode.TryParse(reader.Decode(source)?.Text);
    }
}
