using System.Text;
using HimPortal.Application.Access;
using HimPortal.Application.Clinical;
using HimPortal.Application.Clinical.CorrectRecord;
using HimPortal.Application.Clinical.ImportConflicts;
using HimPortal.Application.Common;
using HimPortal.Application.Intake.ImportBundles;
using HimPortal.Data;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Intake;

/// <summary>
/// A resource never changes patient through an import (issue 14, ADR 0015): a bundle that would move another patient's
/// observation, encounter (with its participants) or refer to another patient's encounter is refused whole, naming the
/// resource and both patients, and the conflict goes on the list the master patient index works, recorded even though
/// the bundle rolled back and counted each time it comes again. After a correction, a source that keeps sending the
/// original neither undoes the correction nor is refused unseen. Every patient whose record an import changes gets an
/// audit row and a new record version.
/// </summary>
public sealed class ImportPatientConflictTests : IAsyncLifetime
{
    private const string A = "a1c0ffee-0000-4000-8000-00000000000a";
    private const string B = "b1c0ffee-0000-4000-8000-00000000000b";
    private const string C = "c1c0ffee-0000-4000-8000-00000000000c";
    private const string EncounterA = "a1c0ffee-0000-4000-8000-0000000000e1";
    private const string ObservationA = "a1c0ffee-0000-4000-8000-0000000000f1";
    private const string EncounterB = "b1c0ffee-0000-4000-8000-0000000000e2";
    private const string Practitioner = "d1c0ffee-0000-4000-8000-0000000000d1";

    private readonly TestDatabase _db = new();

    public Task InitializeAsync() => _db.InitializeAsync();

    public Task DisposeAsync() => _db.DisposeAsync();

    private static string PatientEntry(string id, string mrn) => $$$"""
        {"fullUrl": "urn:uuid:{{{id}}}", "resource": {"resourceType": "Patient", "id": "{{{id}}}", "gender": "female", "birthDate": "1980-02-01",
         "identifier": [{"type": {"coding": [{"code": "MR"}]}, "system": "http://hospital.example.org/mrn", "value": "{{{mrn}}}"}],
         "name": [{"family": "Person{{{mrn[^1]}}}", "given": ["Test"]}]}}
        """;

    private static string PractitionerEntry() => $$$"""
        {"fullUrl": "urn:uuid:{{{Practitioner}}}", "resource": {"resourceType": "Practitioner", "id": "{{{Practitioner}}}",
         "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "9999999141"}], "name": [{"family": "Doctor"}]}}
        """;

    private static string EncounterEntry(string id, string subject, bool participant = false) => $$$"""
        {"fullUrl": "urn:uuid:{{{id}}}", "resource": {"resourceType": "Encounter", "id": "{{{id}}}", "status": "finished", "class": {"code": "AMB"},
         "subject": {"reference": "{{{subject}}}"}, "period": {"start": "2020-01-01T10:00:00+01:00"}{{{(participant
             ? """, "participant": [{"individual": {"reference": "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999999141"}}]"""
             : "")}}} } }
        """;

    private static string ObservationEntry(string id, string subject, string? encounter, decimal value) => $$$"""
        {"fullUrl": "urn:uuid:{{{id}}}", "resource": {"resourceType": "Observation", "id": "{{{id}}}", "status": "final",
         "code": {"coding": [{"system": "http://loinc.org", "code": "4548-4", "display": "Hemoglobin A1c"}]},
         "subject": {"reference": "{{{subject}}}"}{{{(encounter is null ? "" : $$""", "encounter": {"reference": "{{encounter}}"}""")}}},
         "effectiveDateTime": "2020-01-01T10:30:00+01:00", "valueQuantity": {"value": {{{value.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}, "unit": "%"} } }
        """;

    private static string Bundle(params string[] entries) =>
        $$$"""{"resourceType": "Bundle", "type": "transaction", "entry": [{{{string.Join(",", entries)}}}]}""";

    /// <summary>Patient A's record as first imported: a visit with a practitioner, and one result of 5.</summary>
    private static string BundleOfA(decimal value = 5m, string subject = $"urn:uuid:{A}", string patient = A, string mrn = "MRN-A") => Bundle(
        PatientEntry(patient, mrn), PractitionerEntry(), EncounterEntry(EncounterA, subject, participant: true),
        ObservationEntry(ObservationA, subject, $"urn:uuid:{EncounterA}", value));

    private async Task<FileOutcome> ImportAsync(string json, string name = "incoming.json")
    {
        await using var services = _db.Services();
        await using var scope = services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<ImportBundlesHandler>()
            .HandleAsync(new ImportBundlesCommand([BundleFile.FromBytes(name, Encoding.UTF8.GetBytes(json))]), CancellationToken.None)).Value!.Files.Single();
    }

    private async Task ShouldImportAsync(string json, string name = "incoming.json")
    {
        var outcome = await ImportAsync(json, name);
        outcome.Error.ShouldBeNull();
    }

    private Task<long> CountAsync(string from) => _db.ScalarAsync<long>("SELECT count(*) FROM " + from);

    private Task<long> VersionAsync(string patientFhirId) => _db.ScalarAsync<long>(
        $"SELECT coalesce((SELECT version FROM clinical.record_versions WHERE record_id = '{ClinicalKeys.For("Patient", patientFhirId)}'), 0)");

    private static Guid Key(string type, string id) => ClinicalKeys.For(type, id);

    private async Task<ServiceProvider> AsAsync(string role)
    {
        await using var setup = _db.Services();
        var persona = await Personas.CreateAsync(setup, role);
        var actor = new TestActor();
        actor.ActAs(persona.Id, persona.Email, role);
        return _db.Services(actor);
    }

    [Fact]
    public async Task An_observation_of_another_patient_is_refused_naming_both_patients_and_goes_on_the_conflict_list()
    {
        await ShouldImportAsync(BundleOfA(), "a.json");
        var versionOfA = await VersionAsync(A);

        // Patient B's bundle carries an observation with the FHIR id of one of A's.
        var bundleOfB = Bundle(PatientEntry(B, "MRN-B"), EncounterEntry(EncounterB, $"urn:uuid:{B}"),
            ObservationEntry(ObservationA, $"urn:uuid:{B}", $"urn:uuid:{EncounterB}", 99m));
        var outcome = await ImportAsync(bundleOfB, "b.json");

        outcome.Ok.ShouldBeFalse();
        var error = outcome.Error.ShouldNotBeNull();
        error.ShouldStartWith("b.json: entry 2 (Observation/" + ObservationA + ")");
        error.ShouldContain($"Patient/{A} (MRN MRN-A)");
        error.ShouldContain($"Patient/{B} (MRN MRN-B)");
        error.ShouldContain("conflict");

        // Nothing moved: the result is A's, with A's value and encounter; B's bundle wrote nothing; A's chart is as it was.
        (await _db.ScalarAsync<Guid>($"SELECT patient_id FROM clinical.observations WHERE fhir_id = '{ObservationA}'")).ShouldBe(Key("Patient", A));
        (await _db.ScalarAsync<Guid>($"SELECT encounter_id FROM clinical.observations WHERE fhir_id = '{ObservationA}'")).ShouldBe(Key("Encounter", EncounterA));
        (await _db.ScalarAsync<decimal>($"SELECT value_quantity FROM clinical.observations WHERE fhir_id = '{ObservationA}'")).ShouldBe(5m);
        (await CountAsync($"clinical.patients WHERE fhir_id = '{B}'")).ShouldBe(0);
        (await VersionAsync(A)).ShouldBe(versionOfA);

        // On the list, recorded although the bundle rolled back; the refusal is audited under the patient whose data it would have taken.
        (await CountAsync("clinical.import_conflicts")).ShouldBe(1);
        (await _db.ScalarAsync<string>("""
            SELECT concat_ws('|', resource_type, resource_fhir_id, stored_patient_id, incoming_patient_fhir_id, incoming_patient_mrn, outcome, status,
                   times_seen, bundle_name) FROM clinical.import_conflicts
            """)).ShouldBe($"Observation|{ObservationA}|{Key("Patient", A)}|{B}|MRN-B|refused|open|1|b.json");
        (await CountAsync($"audit.access_events WHERE resource_type = 'Bundle' AND resource_id = 'b.json' AND outcome = 'error' AND patient_id = '{Key("Patient", A)}'"))
            .ShouldBe(1);

        // Sent again: still refused, still one conflict, seen twice.
        (await ImportAsync(bundleOfB, "b-again.json")).Ok.ShouldBeFalse();
        (await _db.ScalarAsync<string>("SELECT concat_ws('|', times_seen, bundle_name, first_seen_at < last_seen_at) FROM clinical.import_conflicts"))
            .ShouldBe("2|b-again.json|t");

        // The list HIM staff work names it, with both patients; it is theirs to see, not everyone's.
        await using (var clerk = await AsAsync(Roles.HimClerk))
        {
            await using var scope = clerk.CreateAsyncScope();
            var list = await scope.ServiceProvider.GetRequiredService<ListImportConflictsHandler>().HandleAsync(new ListImportConflictsQuery(), CancellationToken.None);
            var item = list.Value.ShouldNotBeNull().ShouldHaveSingleItem();
            (item.ResourceType, item.ResourceFhirId, item.StoredPatientFhirId, item.StoredPatientMrn, item.IncomingPatientFhirId, item.IncomingPatientMrn,
                item.Outcome, item.Status, item.TimesSeen).ShouldBe(("Observation", ObservationA, A, "MRN-A", B, "MRN-B", "refused", "open", 2));
        }

        await using (var physician = await AsAsync(Roles.Physician))
        {
            await using var scope = physician.CreateAsyncScope();
            (await scope.ServiceProvider.GetRequiredService<ListImportConflictsHandler>().HandleAsync(new ListImportConflictsQuery(), CancellationToken.None))
                .Error!.Kind.ShouldBe(ErrorKind.Forbidden);
        }

    }

    [Fact]
    public async Task An_encounter_of_another_patient_does_not_move_and_neither_do_its_participants()
    {
        await ShouldImportAsync(BundleOfA(), "a.json");
        var participants = await _db.ScalarAsync<string>("SELECT string_agg(patient_id::text, ',') FROM clinical.encounter_participants");
        participants.ShouldBe(Key("Patient", A).ToString());

        var outcome = await ImportAsync(Bundle(PatientEntry(B, "MRN-B"), EncounterEntry(EncounterA, $"urn:uuid:{B}", participant: true)), "b.json");

        outcome.Error.ShouldNotBeNull().ShouldContain($"entry 1 (Encounter/{EncounterA})");
        (await _db.ScalarAsync<Guid>($"SELECT patient_id FROM clinical.encounters WHERE fhir_id = '{EncounterA}'")).ShouldBe(Key("Patient", A));
        (await _db.ScalarAsync<string>("SELECT string_agg(patient_id::text, ',') FROM clinical.encounter_participants")).ShouldBe(participants);
        (await CountAsync("clinical.import_conflicts WHERE resource_type = 'Encounter' AND outcome = 'refused'")).ShouldBe(1);
    }

    [Fact]
    public async Task A_resource_that_refers_to_another_patients_encounter_is_refused()
    {
        await ShouldImportAsync(BundleOfA(), "a.json");

        // A stored encounter of A's, by a relative reference.
        var stored = await ImportAsync(Bundle(PatientEntry(B, "MRN-B"),
            ObservationEntry("b1c0ffee-0000-4000-8000-0000000000f2", $"urn:uuid:{B}", $"Encounter/{EncounterA}", 7m)), "b.json");
        stored.Error.ShouldNotBeNull().ShouldContain("entry 1 (Observation/b1c0ffee-0000-4000-8000-0000000000f2)");
        stored.Error.ShouldContain($"Encounter/{EncounterA}");
        stored.Error.ShouldContain($"Patient/{A}");

        // An encounter in the same bundle, of another patient.
        var inBundle = await ImportAsync(Bundle(PatientEntry(B, "MRN-B"), PatientEntry(C, "MRN-C"), EncounterEntry(EncounterB, $"urn:uuid:{C}"),
            ObservationEntry("b1c0ffee-0000-4000-8000-0000000000f3", $"urn:uuid:{B}", $"urn:uuid:{EncounterB}", 7m)), "bc.json");
        inBundle.Error.ShouldNotBeNull().ShouldContain("entry 3 (Observation/b1c0ffee-0000-4000-8000-0000000000f3)");
        inBundle.Error.ShouldContain($"Encounter/{EncounterB}");

        (await CountAsync("clinical.observations")).ShouldBe(1);
        (await CountAsync($"clinical.patients WHERE fhir_id IN ('{B}', '{C}')")).ShouldBe(0);
    }

    [Fact]
    public async Task After_a_correction_a_source_resending_the_original_neither_undoes_it_nor_is_refused_unseen()
    {
        await ShouldImportAsync(BundleOfA(), "a.json");
        await ShouldImportAsync(Bundle(PatientEntry(B, "MRN-B")), "b.json");
        var (a, b) = (Key("Patient", A), Key("Patient", B));

        // HIM staff correct the misfiled visit: A's encounter and result are entered-in-error and copied to B.
        await using (var clerk = await AsAsync(Roles.HimClerk))
        {
            await using var scope = clerk.CreateAsyncScope();
            var items = await ClinicalRecordWriter.ItemsOfEncounterAsync(scope.ServiceProvider.GetRequiredService<HimDbContext>(), a,
                Key("Encounter", EncounterA), CancellationToken.None);
            items.Count.ShouldBe(2);
            var corrected = await scope.ServiceProvider.GetRequiredService<CorrectRecordHandler>().HandleAsync(new CorrectRecordCommand(a, b, items,
                "Misfiled visit: registration chose the wrong patient", "misfile incident 14", await VersionAsync(A)), CancellationToken.None);
            corrected.IsSuccess.ShouldBeTrue(corrected.Error?.Message);
        }

        const string InForce = "NOT EXISTS (SELECT FROM clinical.entered_in_error x WHERE x.resource_id = o.id AND x.cleared_at IS NULL)";
        var copiesOfB = await CountAsync($"clinical.observations o WHERE o.patient_id = '{b}' AND {InForce}");
        copiesOfB.ShouldBe(1);
        var versions = (await VersionAsync(A), await VersionAsync(B));

        // The source keeps sending the old patient: the bundle imports, the originals stay entered-in-error and as they were.
        var resent = await ImportAsync(BundleOfA(), "a-again.json");
        resent.Error.ShouldBeNull();
        (await CountAsync($"clinical.observations o WHERE o.patient_id = '{a}' AND {InForce}")).ShouldBe(0);
        (await CountAsync($"clinical.encounters o WHERE o.patient_id = '{a}' AND {InForce}")).ShouldBe(0);
        (await _db.ScalarAsync<string>("""
            SELECT string_agg(concat_ws('|', resource_type, outcome, times_seen, incoming_patient_fhir_id), ',' ORDER BY resource_type)
            FROM clinical.import_conflicts
            """)).ShouldBe($"Encounter|held-back|1|{A},Observation|held-back|1|{A}");

        // With a new value: still left as it is, and counted again.
        (await ImportAsync(BundleOfA(value: 6m), "a-changed.json")).Error.ShouldBeNull();
        (await _db.ScalarAsync<decimal>($"SELECT value_quantity FROM clinical.observations WHERE fhir_id = '{ObservationA}'")).ShouldBe(5m);
        (await _db.ScalarAsync<long>($"SELECT times_seen::bigint FROM clinical.import_conflicts WHERE resource_fhir_id = '{ObservationA}'")).ShouldBe(2);

        // The source catches up and sends the visit under B: the copies already hold it, the originals stay as they are.
        (await ImportAsync(BundleOfA(subject: $"urn:uuid:{B}", patient: B, mrn: "MRN-B"), "b-caught-up.json")).Error.ShouldBeNull();
        (await CountAsync($"clinical.observations o WHERE o.patient_id = '{b}' AND {InForce}")).ShouldBe(copiesOfB);
        (await _db.ScalarAsync<Guid>($"SELECT patient_id FROM clinical.observations WHERE fhir_id = '{ObservationA}'")).ShouldBe(a);
        (await CountAsync($"clinical.import_conflicts WHERE incoming_patient_fhir_id = '{B}' AND outcome = 'held-back'")).ShouldBe(2);

        // A third patient claiming the visit is refused as any change of patient is.
        (await ImportAsync(BundleOfA(subject: $"urn:uuid:{C}", patient: C, mrn: "MRN-C"), "c.json")).Ok.ShouldBeFalse();
        (await CountAsync($"clinical.import_conflicts WHERE incoming_patient_fhir_id = '{C}' AND outcome = 'refused'")).ShouldBeGreaterThanOrEqualTo(1);

        // Nothing of this changed either record.
        (await VersionAsync(A), await VersionAsync(B)).ShouldBe(versions);
    }

    [Fact]
    public async Task A_bundle_that_adds_to_another_stored_patients_record_audits_and_bumps_every_patient_it_changed()
    {
        await ShouldImportAsync(BundleOfA(), "a.json");
        var (versionOfA, a, b) = (await VersionAsync(A), Key("Patient", A), Key("Patient", B));

        await ShouldImportAsync(Bundle(PatientEntry(B, "MRN-B"),
            ObservationEntry("b1c0ffee-0000-4000-8000-0000000000f9", $"Patient/{A}", null, 8m)), "b-with-one-of-a.json");

        (await VersionAsync(A)).ShouldBe(versionOfA + 1);
        (await _db.ScalarAsync<Guid>("SELECT patient_id FROM clinical.observations WHERE fhir_id = 'b1c0ffee-0000-4000-8000-0000000000f9'")).ShouldBe(a);
        (await _db.ScalarAsync<string>("""
            SELECT string_agg(patient_id::text, ',' ORDER BY patient_id::text) FROM audit.access_events
            WHERE resource_type = 'Bundle' AND resource_id = 'b-with-one-of-a.json' AND outcome = 'success'
            """)).ShouldBe(string.Join(',', new[] { a.ToString(), b.ToString() }.Order(StringComparer.Ordinal)));
    }
}
