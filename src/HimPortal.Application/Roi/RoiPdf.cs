namespace HimPortal.Application.Roi;

/// <summary>Reading back the PDFs release of information writes (letters, invoices, accountings).</summary>
public static class RoiPdf
{
    /// <summary>The number of pages, as roi.letters keeps it.</summary>
    public static int PageCount(byte[] pdf)
    {
        using var document = UglyToad.PdfPig.PdfDocument.Open(pdf);
        return document.NumberOfPages;
    }
}
