using System.Globalization;
using System.Text;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace HimPortal.Application.Documents.DispositionDocument;

/// <summary>
/// The letter or fax cover telling a sender that what they sent reached the wrong place (the sender is notified, issue 15
/// item 3). Written with PdfPig's builder, as the cover sheets are (ADR 0026). It names the document by its receipt, never
/// the patient: the misdirected pages are someone else's health information.
/// </summary>
public static class MisdirectedLetter
{
    private const double Left = 72;

    public static byte[] Write(string hospital, string sender, Guid documentId, DateTimeOffset receivedAt, int pageCount, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(hospital);
        ArgumentNullException.ThrowIfNull(sender);
        var builder = new PdfDocumentBuilder();
        var bold = builder.AddStandard14Font(Standard14Font.HelveticaBold);
        var regular = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(PageSize.Letter);
        page.AddText("Fax cover / notice of misdirected document", 18, new PdfPoint(Left, 720), bold);
        var lines = new[]
        {
            $"From: {Printable(hospital)}, Health Information Management",
            $"To: {Printable(sender)}",
            $"Date: {today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}",
            "",
            $"On {receivedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC we received {pageCount} page(s) from you",
            "that were not meant for us: the patient is not ours, or the document was addressed elsewhere.",
            "We have not filed them in any patient's record. Please check the number or address you sent",
            "them to, and send them to the intended recipient.",
            "",
            $"Our reference: {documentId:D}",
            "",
            "Contains or concerns protected health information. If you are not the intended recipient,",
            "tell the sender and destroy this notice.",
        };
        var y = 680.0;
        foreach (var line in lines)
        {
            page.AddText(line, 11, new PdfPoint(Left, y), regular);
            y -= 16;
        }

        return builder.Build();
    }

    /// <summary>What the standard 14 fonts can show: printable ASCII, anything else a question mark.</summary>
    private static string Printable(string text)
    {
        var result = new StringBuilder(Math.Min(text.Length, 200));
        foreach (var c in text.Take(200))
        {
            result.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return result.ToString();
    }
}
