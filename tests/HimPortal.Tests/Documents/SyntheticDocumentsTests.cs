using BitMiracle.LibTiff.Classic;
using HimPortal.Documents.CoverSheets;
using HimPortal.Documents.Imaging;
using HimPortal.Documents.Synthetic;
using HimPortal.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Documents;

/// <summary>Issue 15 item 8: the synthetic documents are valid files of each kind, and say they are synthetic.</summary>
public sealed class SyntheticDocumentsTests
{
    private static readonly Lazy<IReadOnlyList<SyntheaNote>> Notes =
        new(() => SyntheaNotes.Read(Path.Combine(Repository.Root, "data", "synthea-r4"), perPatient: 1));

    private static SyntheaNote Note(int index) => Notes.Value[index % Notes.Value.Count];

    [Fact]
    public void The_repository_s_Synthea_bundles_give_notes_with_a_patient_a_LOINC_type_and_text()
    {
        Notes.Value.Count.ShouldBeGreaterThan(10);
        Notes.Value.ShouldAllBe(n => n.SourcePatientId.Length > 0 && n.PatientName.Length > 0
            && n.LoincCode.Length > 0 && n.Text.Length > 0);
    }

    [Fact]
    public async Task A_note_PDF_passes_qpdf_and_reads_back_with_its_text_and_the_synthetic_label()
    {
        var note = Note(0);
        var pdf = SyntheticDocuments.NotePdf(note);

        await Qpdf.CheckAsync(pdf);
        using var document = PdfDocument.Open(pdf);
        document.NumberOfPages.ShouldBeGreaterThan(0);
        document.GetPages().ShouldAllBe(p => p.Text.Contains("SYNTHETIC DOCUMENT"));
        document.GetPage(1).Text.ShouldContain(note.PatientName.Split(' ')[0]);
    }

    [Fact]
    public async Task A_scanned_PDF_is_page_images_only_passes_qpdf_and_reads_back_with_PdfPig()
    {
        var source = SyntheticDocuments.NotePdf(Note(1));
        var pdf = new SyntheticDocuments(seed: 2).ScannedPdf(source);

        await Qpdf.CheckAsync(pdf);
        using var document = PdfDocument.Open(pdf);
        document.NumberOfPages.ShouldBe(PdfRasterizer.PageCount(source));
        foreach (var page in document.GetPages())
        {
            page.GetImages().Count().ShouldBe(1);
            page.Letters.Count.ShouldBe(0);
            page.Width.ShouldBe(612, tolerance: 1);
        }
    }

    [Theory]
    [InlineData(FaxResolution.Fine, 196)]
    [InlineData(FaxResolution.Standard, 98)]
    public void A_fax_TIFF_is_multi_page_G4_at_fax_resolution(FaxResolution resolution, double dpiY)
    {
        var twoNotes = $"{Note(2).Text}\n{Note(3).Text}\n{Note(4).Text}";
        var source = PdfPages.Text(SyntheticDocuments.Label, twoNotes + twoNotes, "test");
        var expectedPages = PdfRasterizer.PageCount(source);
        expectedPages.ShouldBeGreaterThan(1);

        var pages = G4Tiff.Describe(new SyntheticDocuments(seed: 3).FaxTiff(source, resolution));

        pages.Count.ShouldBe(expectedPages);
        pages.ShouldAllBe(p => p.Compression == Compression.CCITTFAX4 && p.DpiX == 204 && p.DpiY == dpiY
            && p.Width == 1734 && p.Height == (int)Math.Round(11 * dpiY));
    }

    [Fact]
    public void A_cover_sheet_batch_is_one_G4_TIFF_with_each_part_behind_a_cover_sheet_that_reads_back()
    {
        var parts = Enumerable.Range(0, 3).Select(i =>
        {
            var note = Note(i);
            var sheet = new CoverSheet(new CoverSheetCode(Guid.CreateVersion7(), $"MRN{i:000}", i == 1 ? null : Guid.CreateVersion7(),
                note.LoincCode), note.PatientName, null, note.TypeName);
            return (Sheet: sheet, Pdf: SyntheticDocuments.NotePdf(note));
        }).ToList();

        var tiff = new SyntheticDocuments(seed: 4).CoverSheetBatch(parts, FaxResolution.Fine);

        var found = new List<(int Page, CoverSheetCode Code)>();
        var pageCount = G4Tiff.Describe(tiff).Count;
        for (var page = 0; page < pageCount; page++)
        {
            if (CoverSheetReader.Read(G4Tiff.ReadPage(tiff, page)) is { } code)
            {
                found.Add((page, code));
            }
        }

        found.Select(f => f.Code).ShouldBe(parts.Select(p => p.Sheet.Code));
        found[0].Page.ShouldBe(0);
        var expected = 0;
        for (var i = 0; i < parts.Count; i++)
        {
            found[i].Page.ShouldBe(expected);
            expected += 1 + PdfRasterizer.PageCount(parts[i].Pdf);
        }

        pageCount.ShouldBe(expected);
    }

    [Fact]
    public void The_same_seed_makes_the_same_file()
    {
        var source = SyntheticDocuments.NotePdf(Note(0));

        new SyntheticDocuments(seed: 7).FaxTiff(source, FaxResolution.Fine)
            .ShouldBe(new SyntheticDocuments(seed: 7).FaxTiff(source, FaxResolution.Fine));
    }

    [Fact]
    public async Task A_corpus_folder_holds_every_kind_of_file_valid_and_named_synthetic()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"himportal-corpus-{Guid.NewGuid():N}");
        try
        {
            var files = SyntheticCorpus.Write(folder, Notes.Value, count: 5, seed: 8, coverSheetFor: note =>
                new CoverSheet(new CoverSheetCode(Guid.CreateVersion7(), "MRN1", null, note.LoincCode), note.PatientName,
                    null, note.TypeName), batchSize: 2);

            files.Select(f => f.Kind).ShouldBe(Enum.GetValues<SyntheticKind>(), ignoreOrder: true);
            files.ShouldAllBe(f => Path.GetFileName(f.Path).StartsWith("synthetic-") && f.Pages > 0);
            foreach (var file in files)
            {
                var bytes = await File.ReadAllBytesAsync(file.Path);
                if (file.Path.EndsWith(".pdf", StringComparison.Ordinal))
                {
                    await Qpdf.CheckAsync(bytes);
                }
                else
                {
                    G4Tiff.Describe(bytes).Count.ShouldBe(file.Pages);
                }
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
