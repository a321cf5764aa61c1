using HimPortal.Documents.CoverSheets;
using HimPortal.Documents.Imaging;
using HimPortal.Documents.Synthetic;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Documents;

/// <summary>Issue 15 item 4: a printed cover sheet, faxed, reads back as the patient, encounter and type it names.</summary>
public sealed class CoverSheetTests
{
    private static CoverSheet Sheet(Guid? encounterId) => new(
        new CoverSheetCode(Guid.CreateVersion7(), "MRN-004217", encounterId, "34117-2"),
        "Zoë Testperson-Synthetic", encounterId is null ? null : "2024-03-05 outpatient visit", "History and physical");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_cover_sheet_faxed_as_a_G4_TIFF_page_at_204x196_reads_back_the_same_patient_encounter_and_type(bool withEncounter)
    {
        var sheet = Sheet(withEncounter ? Guid.CreateVersion7() : null);
        var pdf = CoverSheetPdf.Write(sheet);
        var scanned = new SyntheticDocuments(seed: 15).Scan(pdf, 204, 196);
        var tiff = G4Tiff.Write(scanned);

        var page = G4Tiff.ReadPage(tiff, 0);

        page.DpiX.ShouldBe(204);
        page.DpiY.ShouldBe(196);
        CoverSheetReader.Read(page).ShouldBe(sheet.Code);
        await Qpdf.CheckAsync(pdf);
    }

    [Theory]
    [InlineData(FaxResolution.Fine)]
    [InlineData(FaxResolution.Standard)]
    public void Every_cover_sheet_reads_whatever_skew_and_speckle_the_fax_gave_it(FaxResolution resolution)
    {
        // Many seeds, not one lucky one: each gives another skew (up to ±1.5°) and another speckle.
        var sheet = Sheet(Guid.CreateVersion7());
        var pdf = CoverSheetPdf.Write(sheet);
        var unread = Enumerable.Range(100, 12)
            .Where(seed => CoverSheetReader.Read(G4Tiff.ReadPage(new SyntheticDocuments(seed).FaxTiff(pdf, resolution), 0)) != sheet.Code)
            .ToList();

        unread.ShouldBeEmpty();
    }

    [Fact]
    public void The_printed_sheet_names_the_patient_and_type_in_words_and_keeps_the_name_out_of_the_barcode()
    {
        var sheet = Sheet(null);
        using var document = PdfDocument.Open(CoverSheetPdf.Write(sheet));

        document.NumberOfPages.ShouldBe(1);
        var text = string.Join(' ', document.GetPage(1).GetWords().Select(w => w.Text));
        text.ShouldContain("Zoe Testperson-Synthetic"); // the standard 14 fonts print the name without its accent (PdfText)
        text.ShouldContain("MRN-004217");
        text.ShouldContain("34117-2");
        text.ShouldContain("No encounter");
        sheet.Code.Encode().ShouldNotContain("Testperson");
    }

    [Fact]
    public void An_ordinary_page_or_a_foreign_code_is_not_a_cover_sheet()
    {
        var note = new SyntheaNote("p", "A Patient", "11506-3", "Progress note", null, "Nothing to see here.");
        var page = new SyntheticDocuments(seed: 1).Scan(SyntheticDocuments.NotePdf(note), 204, 196)[0];

        CoverSheetReader.Read(page).ShouldBeNull();
        CoverSheetCode.TryParse("https://example.org/not-ours").ShouldBeNull();
        CoverSheetCode.TryParse("HIMPORTAL-CS1|not-a-guid|M|  |34117-2").ShouldBeNull();
    }

    [Fact]
    public void A_code_rejects_text_that_would_break_its_fields()
    {
        Should.Throw<ArgumentException>(() => new CoverSheetCode(Guid.CreateVersion7(), "A|B", null, "34117-2").Encode());
    }
}
