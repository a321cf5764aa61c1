using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace HimPortal.Documents.Imaging;

/// <summary>
/// Writes simple PDFs with PdfPig's builder (ADR 0026): pages of text in a standard 14 font, and pages that are one
/// image each, as a scanner's PDF is.
/// </summary>
public static class PdfPages
{
    private const double Margin = 54;
    private const double FontSize = 10.5;
    private const double Leading = 13.5;
    private const double LetterWidth = 612;
    private const double LetterHeight = 792;

    /// <summary>Text laid out on Letter pages, wrapped at the margin, with a header line and a footer on every page.</summary>
    public static byte[] Text(string header, string text, string footer)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new PdfDocumentBuilder();
        // Courier: monospaced (0.6 em a character), so a line's width is its length, as on a typed page; bold, because
        // plain Courier's thin strokes break up at 204×98 dpi once made 1-bit, and OCR then has little to read.
        var font = builder.AddStandard14Font(Standard14Font.CourierBold);
        var bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);
        var columns = (int)((LetterWidth - (2 * Margin)) / (0.6 * FontSize));
        var lines = Wrap(PdfText.Printable(text.Replace("\r", string.Empty, StringComparison.Ordinal)), columns);
        var perPage = (int)((LetterHeight - (2 * Margin) - (3 * Leading)) / Leading);
        var pageCount = Math.Max(1, (lines.Count + perPage - 1) / perPage);
        for (var p = 0; p < pageCount; p++)
        {
            var page = builder.AddPage(PageSize.Letter);
            page.AddText(PdfText.Printable(header), FontSize + 1, new PdfPoint(Margin, LetterHeight - Margin), bold);
            var y = LetterHeight - Margin - (2 * Leading);
            foreach (var line in lines.Skip(p * perPage).Take(perPage))
            {
                page.AddText(line, FontSize, new PdfPoint(Margin, y), font);
                y -= Leading;
            }

            page.AddText(PdfText.Printable($"{footer}   Page {p + 1} of {pageCount}"), FontSize - 2,
                new PdfPoint(Margin, Margin / 2), font);
        }

        return builder.Build();
    }

    /// <summary>A PDF of page images, one image filling each page, as a scanner writes: no text layer.</summary>
    public static byte[] Images(IReadOnlyList<GrayImage> pages)
    {
        ArgumentNullException.ThrowIfNull(pages);
        var builder = new PdfDocumentBuilder();
        foreach (var image in pages)
        {
            var width = image.Width / image.DpiX * 72;
            var height = image.Height / image.DpiY * 72;
            var page = builder.AddPage(width, height);
            page.AddPng(Png.Encode(image), new PdfRectangle(0, 0, width, height));
        }

        return builder.Build();
    }

    private static List<string> Wrap(string text, int columns)
    {
        var lines = new List<string>();
        foreach (var paragraph in text.Split('\n'))
        {
            var current = string.Empty;
            foreach (var word in paragraph.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = current.Length == 0 ? word : $"{current} {word}";
                if (current.Length > 0 && candidate.Length > columns)
                {
                    lines.Add(current);
                    current = word;
                }
                else
                {
                    current = candidate;
                }
            }

            lines.Add(current);
        }

        return lines;
    }
}
