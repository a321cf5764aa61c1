using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Documents.FileFromCoverSheets;
using HimPortal.Application.Documents.PrintCoverSheets;
using HimPortal.Application.Jobs;
using HimPortal.Data.Documents;
using HimPortal.Documents.CoverSheets;
using HimPortal.Documents.Imaging;
using HimPortal.Documents.Synthetic;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Documents;

/// <summary>
/// Issue 15 items 4 and 10, the cover-sheet round trip: a clerk prints a cover sheet, it is faxed with its pages as one G4
/// TIFF, imported, its pages rendered, and the job splits the file at each sheet and files each part from its code, or
/// sends it to the queue with the reason when the code does not hold.
/// </summary>
public sealed class FileFromCoverSheetsTests(ChartDatabase chart) : IClassFixture<ChartDatabase>
{
    private TestDatabase Db => chart.Database;

    private static byte[] NotePdf(string text, string type = "Progress note") =>
        SyntheticDocuments.NotePdf(new SyntheaNote("synthetic", "Synthetic Person", "11506-3", type, null, text));

    private async Task<(Guid Id, string Mrn, Guid Encounter)> PatientAsync(string fhirId)
    {
        var id = await ClinicalData.PatientIdAsync(Db, fhirId);
        var mrn = await Db.ScalarAsync<string>($"SELECT mrn FROM clinical.patients WHERE id = '{id}'");
        var encounter = await Db.ScalarAsync<Guid>($"SELECT id FROM clinical.encounters WHERE patient_id = '{id}' ORDER BY period_start DESC, id LIMIT 1");
        return (id, mrn, encounter);
    }

    private static async Task<CoverSheetFilingSummary> RunJobAsync(ServiceProvider services, Guid fileId)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ActorScope>().RunAs(ActorScope.Scheduler(FileFromCoverSheetsJob.Kind, Guid.NewGuid().ToString("N")));
        var job = new JobContext(Guid.NewGuid(), FileFromCoverSheetsJob.Kind, 1, $"{{\"fileId\":\"{fileId:D}\"}}");
        (await scope.ServiceProvider.GetRequiredService<FileFromCoverSheetsJob>().RunAsync(job, CancellationToken.None)).ShouldBe(JobOutcome.Succeeded);
        return (CoverSheetFilingSummary)job.Result!;
    }

    [Fact]
    public async Task A_printed_cover_sheet_faxed_with_its_pages_files_them_to_the_patient_encounter_and_type_and_running_again_does_nothing()
    {
        var cortes = await PatientAsync(ClinicalData.Cortes);
        var smallest = await PatientAsync(ClinicalData.Smallest);
        var actor = new TestActor();
        await using var services = Db.Services(actor);
        var clerk = await Personas.CreateAsync(services, Roles.HimClerk);
        actor.ActAs(clerk.Id, clerk.Email, Roles.HimClerk);

        PrintedCoverSheets printed;
        await using (var scope = services.CreateAsyncScope())
        {
            var print = scope.ServiceProvider.GetRequiredService<PrintCoverSheetsHandler>();
            printed = (await print.HandleAsync(new PrintCoverSheetsCommand(cortes.Id, cortes.Encounter, [DocumentTypeSeed.HistoryAndPhysical]), CancellationToken.None)).Value!;
        }

        await Qpdf.CheckAsync(printed.Pdf);
        using (var read = PdfDocument.Open(printed.Pdf))
        {
            read.NumberOfPages.ShouldBe(1);
            var text = string.Join(' ', read.GetPage(1).GetWords().Select(w => w.Text));
            text.ShouldContain(cortes.Mrn);
            text.ShouldContain("34117-2");
        }

        (await Db.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{clerk.Id}' AND action = 'print' AND resource_type = 'CoverSheet' AND patient_id = '{cortes.Id}'"))
            .ShouldBe(1);

        // A stray page, then the printed sheet and a two-page note, then a sheet for another patient (no encounter) and one page.
        var smallestSheet = CoverSheetPdf.Write(new CoverSheet(new CoverSheetCode(smallest.Id, smallest.Mrn, null, "11506-3"), "Synthetic", null, "Progress note"));
        var fax = new SyntheticDocuments(seed: 41);
        var pages = new List<GrayImage>();
        pages.AddRange(fax.Scan(NotePdf("A page before any cover sheet."), 204, 196));
        pages.AddRange(fax.Scan(printed.Pdf, 204, 196));
        pages.AddRange(fax.Scan(NotePdf(string.Join('\n', Enumerable.Repeat("History and physical, synthetic. ", 90))), 204, 196));
        pages.AddRange(fax.Scan(smallestSheet, 204, 196));
        pages.AddRange(fax.Scan(NotePdf("A progress note."), 204, 196));
        var noteAPages = pages.Count - 4;
        var fileId = await RenderedPages.CaptureAndRenderAsync(services, G4Tiff.Write(pages), "synthetic-cover-sheet-batch.tif");

        var summary = await RunJobAsync(services, fileId);

        summary.Changed.ShouldBeTrue();
        summary.CoverSheets.ShouldBe(2);
        summary.Filed.ShouldBe(2);
        summary.Queued.ShouldBe(0);
        summary.Parts.Select(p => (p.FirstPage, p.Pages, p.Status, p.CoverSheet)).ShouldBe([
            (1, 1, ScannedDocumentStatus.Unindexed, false),
            (2, 1, ScannedDocumentStatus.Blank, true),
            (3, noteAPages, ScannedDocumentStatus.Filed, false),
            (3 + noteAPages, 1, ScannedDocumentStatus.Blank, true),
            (4 + noteAPages, 1, ScannedDocumentStatus.Filed, false),
        ]);
        var hp = summary.Parts[2].DocumentId;
        (await Db.ScalarAsync<string>($"""
            SELECT d.status || '|' || d.patient_id || '|' || d.encounter_id || '|' || d.document_type_id || '|' || d.indexed_by || '|' || (d.indexed_by_user_id IS NULL)
            FROM documents.documents d WHERE d.id = '{hp}'
            """)).ShouldBe($"filed|{cortes.Id}|{cortes.Encounter}|{DocumentTypeSeed.HistoryAndPhysical}|cover-sheet|true");
        // In the chart: the DocumentReference under the patient, on the encounter, typed by LOINC.
        (await Db.ScalarAsync<string>($"""
            SELECT n.patient_id || '|' || n.encounter_id || '|' || n.type_code || '|' || n.fhir_id FROM clinical.clinical_notes n
            JOIN documents.documents d ON d.clinical_note_id = n.id WHERE d.id = '{hp}'
            """)).ShouldBe($"{cortes.Id}|{cortes.Encounter}|34117-2|scan-{hp:D}");
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM documents.filings WHERE document_id = '{hp}' AND kind = 'filed' AND by_user_id IS NULL AND patient_id = '{cortes.Id}'"))
            .ShouldBe(1, "a filed row: QA samples cover-sheet filings too");
        (await Db.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE action = 'create' AND resource_type = '{ScannedDocumentAudit.ResourceType}' AND resource_id = '{hp:D}' AND patient_id = '{cortes.Id}'"))
            .ShouldBe(1);
        (await Db.ScalarAsync<string>($"SELECT patient_id || '|' || coalesce(encounter_id::text, 'none') FROM documents.documents WHERE id = '{summary.Parts[4].DocumentId}'"))
            .ShouldBe($"{smallest.Id}|none");
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM documents.document_pages dp JOIN documents.documents d ON d.id = dp.document_id WHERE d.received_file_id = '{fileId}'"))
            .ShouldBe(pages.Count, "every page is in exactly one document, cover sheets included");

        var again = await RunJobAsync(services, fileId);

        again.Changed.ShouldBeFalse();
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM documents.documents WHERE received_file_id = '{fileId}'")).ShouldBe(5);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM documents.filings f JOIN documents.documents d ON d.id = f.document_id WHERE d.received_file_id = '{fileId}' AND f.kind = 'filed'"))
            .ShouldBe(2);
    }

    [Fact]
    public async Task A_code_that_does_not_hold_sends_its_part_to_the_queue_with_the_reason_and_files_nothing()
    {
        var cortes = await PatientAsync(ClinicalData.Cortes);
        var largest = await PatientAsync(ClinicalData.Largest);
        var unknown = Guid.CreateVersion7();
        await using var services = Db.Services();
        CoverSheet Sheet(Guid patient, string mrn, Guid? encounter, string loinc) =>
            new(new CoverSheetCode(patient, mrn, encounter, loinc), "Synthetic Person", encounter is null ? null : "an encounter", "A type");
        var parts = new (CoverSheet, byte[])[]
        {
            (Sheet(unknown, "MRN-NOBODY", null, "34117-2"), NotePdf("Unknown patient.")),
            (Sheet(cortes.Id, "WRONG-" + cortes.Mrn, null, "34117-2"), NotePdf("MRN mismatch.")),
            (Sheet(cortes.Id, cortes.Mrn, largest.Encounter, "34117-2"), NotePdf("Another patient's encounter.")),
            (Sheet(cortes.Id, cortes.Mrn, null, "99999-9"), NotePdf("Unknown type.")),
        };
        // A standard-resolution (204×98) fax: the render step stretches it to square pixels.
        var batch = new SyntheticDocuments(seed: 7).CoverSheetBatch(parts, FaxResolution.Standard);
        var fileId = await RenderedPages.CaptureAndRenderAsync(services, batch, "synthetic-bad-codes.tif");

        var summary = await RunJobAsync(services, fileId);

        summary.CoverSheets.ShouldBe(4);
        summary.Filed.ShouldBe(0);
        summary.Queued.ShouldBe(4);
        var queued = summary.Parts.Where(p => !p.CoverSheet).ToList();
        queued.ShouldAllBe(p => p.Status == ScannedDocumentStatus.Unindexed && p.PatientId == null);
        queued[0].Reason.ShouldBe($"Cover sheet not filed: it names a patient HimPortal does not know (patient id {unknown:D}).");
        queued[1].Reason.ShouldBe($"Cover sheet not filed: its MRN does not match the patient it names (patient id {cortes.Id:D}).");
        queued[2].Reason.ShouldBe($"Cover sheet not filed: it names an encounter of another patient (encounter id {largest.Encounter:D}).");
        queued[3].Reason.ShouldBe("Cover sheet not filed: it names document type LOINC 99999-9, which is not an active type of the catalogue.");
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM documents.documents WHERE received_file_id = '{fileId}' AND (clinical_note_id IS NOT NULL OR patient_id IS NOT NULL)"))
            .ShouldBe(0);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM documents.filings f JOIN documents.documents d ON d.id = f.document_id WHERE d.received_file_id = '{fileId}' AND f.kind = 'filed'"))
            .ShouldBe(0);
    }

    [Fact]
    public async Task A_file_without_cover_sheets_is_left_as_it_came()
    {
        await using var services = Db.Services();
        var fileId = await RenderedPages.CaptureAndRenderAsync(services, new SyntheticDocuments(seed: 3).FaxTiff(NotePdf("No cover sheet here."), FaxResolution.Fine),
            "synthetic-plain-fax.tif");

        var summary = await RunJobAsync(services, fileId);

        summary.Changed.ShouldBeFalse();
        (await Db.ScalarAsync<string>($"SELECT string_agg(status || ':' || page_count, ',') FROM documents.documents WHERE received_file_id = '{fileId}'"))
            .ShouldBe("unindexed:1");
    }

    [Fact]
    public async Task A_file_a_clerk_has_already_split_is_left_to_the_clerk()
    {
        var cortes = await PatientAsync(ClinicalData.Cortes);
        await using var services = Db.Services();
        var sheet = new CoverSheet(new CoverSheetCode(cortes.Id, cortes.Mrn, null, "34117-2"), "Synthetic", null, "History and physical");
        var batch = new SyntheticDocuments(seed: 9).CoverSheetBatch([(sheet, NotePdf("Split by a clerk first."))], FaxResolution.Fine);
        var fileId = await RenderedPages.CaptureAndRenderAsync(services, batch, "synthetic-split-by-a-clerk.tif");
        // As the clerk's split does: the last page moved into a document of its own.
        var original = await Db.ScalarAsync<Guid>($"SELECT id FROM documents.documents WHERE received_file_id = '{fileId}'");
        var second = Guid.CreateVersion7();
        await Db.ExecuteAsync($"""
            INSERT INTO documents.documents (id, received_file_id, status, received_at, source, page_count, bears_signature)
            SELECT '{second}', received_file_id, 'unindexed', received_at, source, 1, false FROM documents.documents WHERE id = '{original}';
            UPDATE documents.document_pages SET document_id = '{second}', ordinal = 0
            WHERE document_id = '{original}' AND ordinal = (SELECT max(ordinal) FROM documents.document_pages WHERE document_id = '{original}');
            """);

        var summary = await RunJobAsync(services, fileId);

        summary.Changed.ShouldBeFalse();
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM documents.documents WHERE received_file_id = '{fileId}' AND status <> 'unindexed'")).ShouldBe(0);
    }
}
