using HimPortal.Application.Common.Letters;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace HimPortal.Application.Roi.Delivery;

/// <summary>
/// A mailing label: one label-sized page (4 x 2 inches, the common shipping-label stock), the return address small at the
/// top, the requester's name and address large, and the request's number (never the patient's name: the envelope is
/// seen by anyone who handles it).
/// </summary>
public static class MailingLabelPdf
{
    public const double Width = 288;
    public const double Height = 144;

    public static byte[] Write(string returnAddress, IReadOnlyList<string> toLines, string reference)
    {
        ArgumentNullException.ThrowIfNull(toLines);
        var builder = new PdfDocumentBuilder();
        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        var bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);
        var page = builder.AddPage(Width, Height);
        page.AddText(LetterPdf.Printable(returnAddress), 6, new PdfPoint(12, Height - 14), regular);
        var y = Height - 40;
        var first = true;
        foreach (var line in toLines.Take(6))
        {
            var text = LetterPdf.Printable(line.Length <= 40 ? line : line[..40]);
            page.AddText(text, 11, new PdfPoint(24, y), first ? bold : regular);
            first = false;
            y -= 14;
        }

        page.AddText(LetterPdf.Printable(reference), 6, new PdfPoint(12, 8), regular);
        return builder.Build();
    }
}
