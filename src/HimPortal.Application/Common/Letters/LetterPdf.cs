using System.Globalization;
using System.Text;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace HimPortal.Application.Common.Letters;

/// <summary>A letter's content: who from, who to, what about, in paragraphs; a footer on every page ("ROI-000123 · page 1 of 2").</summary>
/// <param name="Paragraphs">Each a paragraph, wrapped to the page; an empty string is a blank line; a line starting "- " is a list item.</param>
public sealed record LetterContent(
    string From,
    IReadOnlyList<string> ToLines,
    DateOnly Date,
    string Subject,
    IReadOnlyList<string> Paragraphs,
    string? Reference = null,
    string? Footer = null);

/// <summary>
/// HimPortal's letters (deficiency, denial, extension notice, cover letter, invoice, accounting) as PDF, written with
/// PdfPig's builder as the cover sheets are (ADR 0026): US Letter, Helvetica, wrapped paragraphs, as many pages as the
/// text needs, each footed with the reference and "page i of n". The standard 14 fonts show printable ASCII only, so
/// anything else becomes a question mark rather than a broken glyph.
/// </summary>
public static class LetterPdf
{
    private const double Left = 72;
    private const double Top = 740;
    private const double Bottom = 72;
    private const double BodySize = 11;
    private const double Leading = 15;

    /// <summary>Characters per line at 11 pt Helvetica across 6.5 inches (its average glyph is about half an em wide).</summary>
    private const int LineChars = 88;

    public static byte[] Write(LetterContent letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        var lines = new List<(string Text, bool Bold)>
        {
            (letter.From, true),
            (letter.Date.ToString("MMMM d, yyyy", CultureInfo.InvariantCulture), false),
            ("", false),
        };
        lines.AddRange(letter.ToLines.Select(l => (l, false)));
        lines.Add(("", false));
        if (letter.Reference is not null)
        {
            lines.Add(($"Reference: {letter.Reference}", false));
        }

        lines.Add(($"Re: {letter.Subject}", true));
        lines.Add(("", false));
        foreach (var paragraph in letter.Paragraphs)
        {
            if (paragraph.Length == 0)
            {
                lines.Add(("", false));
                continue;
            }

            var indent = paragraph.StartsWith("- ", StringComparison.Ordinal) ? "  " : "";
            var first = true;
            foreach (var line in Wrap(paragraph, LineChars - indent.Length))
            {
                lines.Add(((first ? "" : indent) + line, false));
                first = false;
            }

            lines.Add(("", false));
        }

        var perPage = (int)((Top - Bottom) / Leading);
        var pages = lines.Chunk(perPage).ToList();
        var builder = new PdfDocumentBuilder();
        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        var bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);
        for (var i = 0; i < pages.Count; i++)
        {
            var page = builder.AddPage(PageSize.Letter);
            var y = Top;
            foreach (var (text, isBold) in pages[i])
            {
                if (text.Length > 0)
                {
                    page.AddText(Printable(text), BodySize, new PdfPoint(Left, y), isBold ? bold : regular);
                }

                y -= Leading;
            }

            var label = letter.Footer ?? letter.Reference;
            var footer = label is null ? $"page {i + 1} of {pages.Count}" : $"{label}  -  page {i + 1} of {pages.Count}";
            page.AddText(Printable(footer), 8, new PdfPoint(Left, 40), regular);
        }

        return builder.Build();
    }

    /// <summary>Greedy word wrap; a word longer than a line is cut.</summary>
    public static IEnumerable<string> Wrap(string text, int width)
    {
        ArgumentNullException.ThrowIfNull(text);
        var line = new StringBuilder();
        foreach (var raw in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var word = raw;
            while (word.Length > width)
            {
                if (line.Length > 0)
                {
                    yield return line.ToString();
                    line.Clear();
                }

                yield return word[..width];
                word = word[width..];
            }

            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(word);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    /// <summary>What the standard 14 fonts can show: printable ASCII, anything else a question mark.</summary>
    public static string Printable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            result.Append(c switch
            {
                >= ' ' and <= '~' => c,
                '\u2019' or '\u2018' => '\'',
                '\u201C' or '\u201D' => '"',
                '\u2013' or '\u2014' => '-',
                '\u00A7' => 'S',
                _ => '?',
            });
        }

        return result.ToString();
    }
}
