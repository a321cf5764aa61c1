using System.Text;

namespace HimPortal.Documents.Imaging;

/// <summary>
/// Text for PdfPig's standard 14 fonts, which are not embedded and encode WinAnsi only (ADR 0026): a character outside
/// it is written as '?', and control characters go, so that an odd name never stops a cover sheet from printing.
/// </summary>
internal static class PdfText
{
    public static string Printable(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                '\t' => ' ',
                '\n' => c,
                < ' ' => ' ',
                <= '~' => c,
                >= '\u00A0' and <= '\u00FF' => c,
                _ => '?',
            });
        }

        return builder.ToString();
    }
}
