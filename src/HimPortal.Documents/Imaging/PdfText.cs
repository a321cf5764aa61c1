using System.Globalization;
using System.Text;

namespace HimPortal.Documents.Imaging;

/// <summary>
/// Text for PdfPig's standard 14 fonts (ADR 0026), which are not embedded and which PdfPig writes in the fonts' own
/// encoding: only ASCII comes out as written (an 'ë' printed as a stray sign). Accents are dropped ('ë' prints 'e'), any
/// other character is written as '?', and control characters become spaces, so an odd name never stops a page.
/// </summary>
internal static class PdfText
{
    public static string Printable(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            builder.Append(c switch
            {
                '\n' => c,
                < ' ' => ' ',
                <= '~' => c,
                _ => '?',
            });
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }
}
