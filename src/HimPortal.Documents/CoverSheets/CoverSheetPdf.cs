using HimPortal.Documents.Imaging;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using ZXing;
using ZXing.QrCode;
using ZXing.QrCode.Internal;

namespace HimPortal.Documents.CoverSheets;

/// <summary>
/// Prints a cover sheet: a Letter page with the patient, encounter and document type in words, and a QR code carrying
/// <see cref="CoverSheetCode"/>. A 2-D code, not Code 128: two ids, an MRN and a LOINC code are about 90 characters,
/// which in Code 128 would be wider than a page at fax resolution. The code is drawn as vector squares of 0.1 inch,
/// about 20 fax pixels, with level Q error correction (25 %), so skew, speckle and a 204×98 fax still read.
/// </summary>
public static class CoverSheetPdf
{
    private const double ModuleSize = 7.2;
    private const double Left = 72;

    public static byte[] Write(CoverSheet sheet)
    {
        ArgumentNullException.ThrowIfNull(sheet);
        var builder = new PdfDocumentBuilder();
        var bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);
        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(PageSize.Letter);
        var code = sheet.Code;

        page.AddText("HimPortal cover sheet", 24, new PdfPoint(Left, 720), bold);
        page.AddText("Place this sheet in front of the pages it names; scan or fax them together.", 11,
            new PdfPoint(Left, 698), regular);

        var y = 650.0;
        void Line(string label, string value)
        {
            page.AddText(label, 12, new PdfPoint(Left, y), bold);
            page.AddText(PdfText.Printable(value), 14, new PdfPoint(Left + 130, y), regular);
            y -= 26;
        }

        Line("Patient", sheet.PatientName);
        Line("MRN", code.Mrn);
        Line("Encounter", sheet.EncounterLabel ?? "No encounter");
        Line("Document type", $"{sheet.DocumentTypeName} (LOINC {code.LoincCode})");

        var matrix = new QRCodeWriter().encode(code.Encode(), BarcodeFormat.QR_CODE, 0, 0,
            new Dictionary<EncodeHintType, object>
            {
                [EncodeHintType.ERROR_CORRECTION] = ErrorCorrectionLevel.Q,
                [EncodeHintType.MARGIN] = 0,
                [EncodeHintType.CHARACTER_SET] = "ISO-8859-1",
            });
        var top = y - 30;
        page.SetTextAndFillColor(0, 0, 0);
        for (var row = 0; row < matrix.Height; row++)
        {
            // One rectangle per run of dark modules in a row keeps the page small.
            var column = 0;
            while (column < matrix.Width)
            {
                if (!matrix[column, row])
                {
                    column++;
                    continue;
                }

                var start = column;
                while (column < matrix.Width && matrix[column, row])
                {
                    column++;
                }

                page.DrawRectangle(new PdfPoint(Left + (start * ModuleSize), top - ((row + 1) * ModuleSize)),
                    (column - start) * ModuleSize, ModuleSize, 0, fill: true);
            }
        }

        var bottom = top - (matrix.Height * ModuleSize);
        page.AddText($"Patient id {code.PatientId:D}", 9, new PdfPoint(Left, bottom - 18), regular);
        if (code.EncounterId is { } encounter)
        {
            page.AddText($"Encounter id {encounter:D}", 9, new PdfPoint(Left, bottom - 30), regular);
        }

        page.AddText("Contains protected health information. If received in error, notify the sender and destroy it.",
            9, new PdfPoint(Left, 40), regular);
        return builder.Build();
    }
}
