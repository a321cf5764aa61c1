using HimPortal.Documents.CoverSheets;
using HimPortal.Documents.Imaging;

namespace HimPortal.Documents.Synthetic;

/// <summary>Fax resolutions (ITU-T T.4): fine 204×196 dpi and standard 204×98 dpi.</summary>
public enum FaxResolution
{
    Fine,
    Standard,
}

/// <summary>
/// Documents HimPortal makes for its demo, tests and benchmark (issue 15 item 8): notes printed to PDF, then scanned or
/// faxed as a machine would (skew, speckle, 1-bit G4), and cover-sheet batches. Every page says it is synthetic. The
/// same seed makes the same files; nothing depends on which patient a note is about.
/// </summary>
public sealed class SyntheticDocuments(int seed)
{
    /// <summary>Printed at the top of every synthetic page, so that no one takes it for a real record.</summary>
    public const string Label = "SYNTHETIC DOCUMENT - made by HimPortal from Synthea test data; not a real patient";

    /// <summary>Resolution of a scanner's PDF: 200 dpi grey, a common default for office scanners.</summary>
    public const double ScanDpi = 200;

    private readonly Random random = new(seed);

    /// <summary>A page is turned by up to this much either way, as a sheet fed crooked is.</summary>
    public double MaxSkewDegrees { get; init; } = 1.5;

    /// <summary>The share of pixels flipped at random (dust, toner, line noise).</summary>
    public double Speckle { get; init; } = 0.002;

    public static (double X, double Y) Dpi(FaxResolution resolution) =>
        resolution == FaxResolution.Fine ? (204, 196) : (204, 98);

    /// <summary>A born-digital PDF of the note, labelled synthetic.</summary>
    public static byte[] NotePdf(SyntheaNote note)
    {
        ArgumentNullException.ThrowIfNull(note);
        var title = string.IsNullOrEmpty(note.TypeName) ? "Clinical note" : note.TypeName;
        var dated = note.Date is { } date ? $" - {date:yyyy-MM-dd}" : string.Empty;
        var text = $"{title}{dated}\nPatient: {note.PatientName}\n\n{note.Text}";
        return PdfPages.Text(Label, text, "Synthetic test document (HimPortal)");
    }

    /// <summary>Every page of a PDF as it comes off a scanner or fax: rendered, skewed, speckled, made 1-bit.</summary>
    public IReadOnlyList<GrayImage> Scan(byte[] pdf, double dpiX, double dpiY)
    {
        var pages = new List<GrayImage>();
        var count = PdfRasterizer.PageCount(pdf);
        for (var page = 0; page < count; page++)
        {
            var effects = new ScannerEffects(((random.NextDouble() * 2) - 1) * MaxSkewDegrees, Speckle);
            pages.Add(effects.Apply(PdfRasterizer.Render(pdf, page, dpiX, dpiY), random));
        }

        return pages;
    }

    /// <summary>The PDF's pages as a multi-page CCITT G4 fax TIFF.</summary>
    public byte[] FaxTiff(byte[] pdf, FaxResolution resolution)
    {
        var (x, y) = Dpi(resolution);
        return G4Tiff.Write(Scan(pdf, x, y));
    }

    /// <summary>The PDF's pages scanned into a PDF of page images (no text layer), as a scanner station writes.</summary>
    public byte[] ScannedPdf(byte[] pdf) => PdfPages.Images(Scan(pdf, ScanDpi, ScanDpi));

    /// <summary>
    /// One G4 TIFF holding cover sheet, pages, cover sheet, pages…, as a clerk faxes or scans a stack: the importer
    /// splits it at each cover sheet (issue 15 item 4).
    /// </summary>
    public byte[] CoverSheetBatch(IEnumerable<(CoverSheet Sheet, byte[] Pdf)> parts, FaxResolution resolution)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var (x, y) = Dpi(resolution);
        var pages = new List<GrayImage>();
        foreach (var (sheet, pdf) in parts)
        {
            pages.AddRange(Scan(CoverSheetPdf.Write(sheet), x, y));
            pages.AddRange(Scan(pdf, x, y));
        }

        return G4Tiff.Write(pages);
    }
}
