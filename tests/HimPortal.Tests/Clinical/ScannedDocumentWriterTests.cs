using System.Text.Json.Nodes;
using HimPortal.Application.Clinical;
using HimPortal.Application.Clinical.Corrections;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Clinical;

/// <summary>
/// The clinical-record writer's part of document intake: a scanned document filed as a DocumentReference of the right
/// patient and encounter, revised within the record, and moved to another patient only by a correction, whose copy's
/// JSON names the new patient and not the old (ADR 0015).
/// </summary>
public sealed class ScannedDocumentWriterTests : IAsyncLifetime
{
    /// <summary>Cortés's well visit of 2014-08-02.</summary>
    private const string CortesVisit = "3671da8b-53ae-0420-1cdf-0670ab1a9416";

    /// <summary>O'Hara's visit of 2021-05-08.</summary>
    private const string SmallestVisit = "41560e10-3baa-ae23-ab71-dada29f1b66a";

    private readonly TestDatabase _db = new();

    public async Task InitializeAsync()
    {
        await _db.InitializeAsync();
        await ClinicalData.ImportAsync(_db, ClinicalData.Smallest, ClinicalData.Cortes);
    }

    public Task DisposeAsync() => _db.DisposeAsync();

    private static ScannedDocumentNote Note(Guid documentId, Guid patient, Guid? encounter, bool signed = true) =>
        new(documentId, patient, encounter, "History and physical", "34117-2", new DateTimeOffset(2014, 8, 2, 9, 0, 0, TimeSpan.Zero),
            "Dr. Outside Author", null, signed, signed ? new DateTimeOffset(2014, 8, 2, 10, 0, 0, TimeSpan.Zero) : null, "image/tiff", 3);

    private async Task<T> InTransactionAsync<T>(Func<HimDbContext, CancellationToken, Task<T>> work)
    {
        await using var services = _db.Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        return await db.InTransactionAsync(ct => work(db, ct), CancellationToken.None);
    }

    [Fact]
    public async Task A_scanned_document_is_filed_as_a_DocumentReference_of_the_patient_and_encounter()
    {
        var cortes = await ClinicalData.PatientIdAsync(_db, ClinicalData.Cortes);
        var encounter = ClinicalKeys.For("Encounter", CortesVisit);
        var documentId = Guid.CreateVersion7();
        var before = await _db.ScalarAsync<long>($"SELECT coalesce((SELECT version FROM clinical.record_versions WHERE record_id = '{cortes}'), 0)");

        var noteId = await InTransactionAsync((db, ct) => ClinicalRecordWriter.FileScannedDocumentAsync(db, Note(documentId, cortes, encounter), DateTimeOffset.UtcNow, ct));

        await using var services = _db.Services();
        await using var scope = services.CreateAsyncScope();
        var note = await scope.ServiceProvider.GetRequiredService<HimDbContext>().Set<ClinicalNote>().AsNoTracking().SingleAsync(n => n.Id == noteId);
        note.PatientId.ShouldBe(cortes);
        note.EncounterId.ShouldBe(encounter);
        note.TypeCode.ShouldBe("34117-2");
        note.FhirId.ShouldBe(ClinicalRecordWriter.ScannedDocumentFhirId(documentId));
        var json = JsonNode.Parse(note.Resource)!;
        json["subject"]!["reference"]!.GetValue<string>().ShouldBe($"urn:uuid:{ClinicalData.Cortes}");
        json["context"]!["encounter"]![0]!["reference"]!.GetValue<string>().ShouldBe($"urn:uuid:{CortesVisit}");
        json["docStatus"]!.GetValue<string>().ShouldBe("final");
        json["authenticator"]!["display"]!.GetValue<string>().ShouldBe("Dr. Outside Author");
        json["content"]![0]!["attachment"]!["url"]!.GetValue<string>().ShouldBe($"urn:himportal:scanned-document:{documentId:D}");
        (await _db.ScalarAsync<long>($"SELECT version FROM clinical.record_versions WHERE record_id = '{cortes}'")).ShouldBeGreaterThan(before);
    }

    [Fact]
    public async Task An_encounter_of_another_patient_is_refused_and_nothing_is_written()
    {
        var cortes = await ClinicalData.PatientIdAsync(_db, ClinicalData.Cortes);
        var othersVisit = ClinicalKeys.For("Encounter", SmallestVisit);
        var documentId = Guid.CreateVersion7();

        await Should.ThrowAsync<InvalidOperationException>(() =>
            InTransactionAsync((db, ct) => ClinicalRecordWriter.FileScannedDocumentAsync(db, Note(documentId, cortes, othersVisit), DateTimeOffset.UtcNow, ct)));

        (await _db.ScalarAsync<long>($"SELECT count(*) FROM clinical.clinical_notes WHERE fhir_id = '{ClinicalRecordWriter.ScannedDocumentFhirId(documentId)}'")).ShouldBe(0);
    }

    [Fact]
    public async Task A_revision_changes_type_and_encounter_within_the_record_and_never_the_patient()
    {
        var cortes = await ClinicalData.PatientIdAsync(_db, ClinicalData.Cortes);
        var smallest = await ClinicalData.PatientIdAsync(_db, ClinicalData.Smallest);
        var documentId = Guid.CreateVersion7();
        var noteId = await InTransactionAsync((db, ct) => ClinicalRecordWriter.FileScannedDocumentAsync(db, Note(documentId, cortes, null), DateTimeOffset.UtcNow, ct));

        var revised = Note(documentId, cortes, ClinicalKeys.For("Encounter", CortesVisit), signed: false) with { TypeName = "Progress note", LoincCode = "11506-3" };
        await InTransactionAsync(async (db, ct) => { await ClinicalRecordWriter.ReviseScannedDocumentAsync(db, noteId, revised, DateTimeOffset.UtcNow, ct); return 0; });
        (await _db.ScalarAsync<string>($"SELECT type_code FROM clinical.clinical_notes WHERE id = '{noteId}'")).ShouldBe("11506-3");
        (await _db.ScalarAsync<string>($"SELECT resource->>'docStatus' FROM clinical.clinical_notes WHERE id = '{noteId}'")).ShouldBe("preliminary");

        await Should.ThrowAsync<InvalidOperationException>(() => InTransactionAsync(async (db, ct) =>
        {
            await ClinicalRecordWriter.ReviseScannedDocumentAsync(db, noteId, revised with { PatientId = smallest, EncounterId = null }, DateTimeOffset.UtcNow, ct);
            return 0;
        }));
        (await _db.ScalarAsync<Guid>($"SELECT patient_id FROM clinical.clinical_notes WHERE id = '{noteId}'")).ShouldBe(cortes);
    }

    [Fact]
    public async Task A_misfiled_scanned_document_moves_by_correction_and_its_copy_names_only_the_right_patient()
    {
        var cortes = await ClinicalData.PatientIdAsync(_db, ClinicalData.Cortes);
        var smallest = await ClinicalData.PatientIdAsync(_db, ClinicalData.Smallest);
        var documentId = Guid.CreateVersion7();
        var noteId = await InTransactionAsync((db, ct) => ClinicalRecordWriter.FileScannedDocumentAsync(db, Note(documentId, cortes, null), DateTimeOffset.UtcNow, ct));

        var written = await InTransactionAsync((db, ct) => ClinicalRecordWriter.CorrectAsync(db, new CorrectionRequest(
            cortes, smallest, [new RecordItem("DocumentReference", noteId)], "Scanned H&P indexed to the wrong patient", "misfile correction",
            new Corrector(null, "test"), DateTimeOffset.UtcNow, null), ct));

        written.IsSuccess.ShouldBeTrue(written.Error?.Message);
        var copy = written.Value!.Items.Single().CopyId;
        (await _db.ScalarAsync<Guid>($"SELECT patient_id FROM clinical.clinical_notes WHERE id = '{copy}'")).ShouldBe(smallest);
        var json = await _db.ScalarAsync<string>($"SELECT resource::text FROM clinical.clinical_notes WHERE id = '{copy}'");
        json.ShouldContain($"urn:uuid:{ClinicalData.Smallest}");
        json.ShouldNotContain(ClinicalData.Cortes);
        (await _db.ScalarAsync<long>($"SELECT count(*) FROM clinical.entered_in_error WHERE resource_id = '{noteId}'")).ShouldBe(1);
    }
}
