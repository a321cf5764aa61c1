using System.Text;
using HimPortal.Application.Intake;
using HimPortal.Application.Intake.ImportBundles;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HimPortal.Tests.Intake;

/// <summary>
/// Values the record maps are checked against their FHIR R4 primitive types and the record's limits before anything is
/// written: a wrong type, a malformed date or number, a NUL, an oversized text reject the bundle naming the entry and
/// the element, never stored as empty. A file that fails in any way (even unexpectedly) fails alone: the run goes on.
/// </summary>
public sealed class ImportInvalidValueTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private const string PatientId = "6b0a2f7e-5c1d-4e3f-8a9b-0c1d2e3f4a5b";
    private const string EncounterId = "6b0a2f7e-0000-4000-8000-000000000001";
    private const string ObservationId = "6b0a2f7e-0000-4000-8000-000000000002";
    private const string NoteId = "6b0a2f7e-0000-4000-8000-000000000003";

    /// <summary>A patient resource's elements, each replaceable by a test.</summary>
    private static string Patient(string? name = null, string? birthDate = null, string? gender = null, string? extra = null) => $$$"""
        {"fullUrl": "urn:uuid:{{{PatientId}}}", "resource": {"resourceType": "Patient", "id": "{{{PatientId}}}",
         "identifier": [{"type": {"coding": [{"code": "MR"}]}, "system": "http://hospital.example.org/mrn", "value": "MRN-6B0A"}],
         "gender": {{{gender ?? "\"female\""}}}, "birthDate": {{{birthDate ?? "\"1980-02-01\""}}},
         "name": {{{name ?? """[{"family": "Testperson", "given": ["Quinn"]}]"""}}}{{{extra}}} } }
        """;

    private static string Encounter() => $$$"""
        {"fullUrl": "urn:uuid:{{{EncounterId}}}", "resource": {"resourceType": "Encounter", "id": "{{{EncounterId}}}", "status": "finished",
         "class": {"code": "AMB"}, "subject": {"reference": "urn:uuid:{{{PatientId}}}"}, "period": {"start": "2020-01-01T10:00:00+01:00"} } }
        """;

    private static string Observation(string value = "7.2", string effective = "\"2020-01-01T10:30:00+01:00\"") => $$$"""
        {"fullUrl": "urn:uuid:{{{ObservationId}}}", "resource": {"resourceType": "Observation", "id": "{{{ObservationId}}}", "status": "final",
         "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}],
         "code": {"coding": [{"system": "http://loinc.org", "code": "4548-4", "display": "Hemoglobin A1c"}]},
         "subject": {"reference": "urn:uuid:{{{PatientId}}}"}, "encounter": {"reference": "urn:uuid:{{{EncounterId}}}"},
         "effectiveDateTime": {{{effective}}}, "valueQuantity": {"value": {{{value}}}, "unit": "%"} } }
        """;

    private static string Note(string base64Text) => $$$"""
        {"fullUrl": "urn:uuid:{{{NoteId}}}", "resource": {"resourceType": "DocumentReference", "id": "{{{NoteId}}}", "status": "current",
         "subject": {"reference": "urn:uuid:{{{PatientId}}}"},
         "content": [{"attachment": {"contentType": "text/plain; charset=utf-8", "data": "{{{base64Text}}}"}}]}}
        """;

    private static string Bundle(params string[] entries) =>
        $$$"""{"resourceType": "Bundle", "type": "transaction", "entry": [{{{string.Join(",", entries)}}}]}""";

    private static async Task<ImportSummary> ImportAsync(TestDatabase into, BundleFile[] files, IDictionary<string, string?>? settings = null)
    {
        await using var services = into.Services(settings: settings);
        await using var scope = services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<ImportBundlesHandler>()
            .HandleAsync(new ImportBundlesCommand(files), CancellationToken.None)).Value!;
    }

    private async Task<FileOutcome> ImportAsync(string json, IDictionary<string, string?>? settings = null) =>
        (await ImportAsync(database, [BundleFile.FromBytes("incoming.json", Encoding.UTF8.GetBytes(json))], settings)).Files.Single();

    /// <summary>Refused, naming the file, the entry and the element, with nothing written; the message stays short and printable.</summary>
    private async Task ShouldBeRefusedAsync(FileOutcome outcome, params string[] phrases)
    {
        outcome.Ok.ShouldBeFalse();
        var error = outcome.Error.ShouldNotBeNull();
        error.ShouldStartWith("incoming.json: ");
        foreach (var phrase in phrases)
        {
            error.ShouldContain(phrase);
        }

        error.Length.ShouldBeLessThan(600, "the message quotes no oversized value");
        error.ShouldAllBe(c => c >= ' ', "the message carries no control character from the data");
        (await database.ScalarAsync<long>($"SELECT count(*) FROM clinical.patients WHERE fhir_id = '{PatientId}'")).ShouldBe(0);
    }

    [Fact]
    public async Task A_family_name_that_is_a_number_is_refused_naming_the_element() =>
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient(name: """[{"family": 12345, "given": ["Quinn"]}]"""))),
            $"entry 0 (Patient/{PatientId}): name[0].family must be a string");

    [Fact]
    public async Task A_name_that_is_an_object_instead_of_a_list_is_refused() =>
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient(name: """{"family": "Testperson", "given": ["Quinn"]}"""))),
            $"entry 0 (Patient/{PatientId}): name must be an array");

    [Fact]
    public async Task A_given_name_that_is_not_a_string_is_refused() =>
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient(name: """[{"family": "Testperson", "given": ["Quinn", {"x": 1}]}]"""))),
            "name[0].given[1] must be a string");

    [Theory]
    [InlineData("\"2021-13-45\"")]
    [InlineData("\"2021-02-30\"")]
    [InlineData("\"01/02/1980\"")]
    [InlineData("\"1980-2-1\"")]
    [InlineData("19800201")]
    public async Task A_birth_date_that_is_no_FHIR_date_is_refused(string birthDate) =>
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient(birthDate: birthDate))), $"entry 0 (Patient/{PatientId}): birthDate", "FHIR date");

    [Theory]
    [InlineData("\"2020-01-01T10:30:00\"")]
    [InlineData("\"2020-01-01T25:30:00Z\"")]
    [InlineData("\"2020-01-01 10:30:00Z\"")]
    [InlineData("\"Jan 1 2020\"")]
    [InlineData("\"2020-01-01T10:30:00+15:00\"")]
    public async Task An_effective_time_that_is_no_FHIR_dateTime_is_refused(string effective) =>
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient(), Encounter(), Observation(effective: effective))),
            $"entry 2 (Observation/{ObservationId}): effectiveDateTime", "FHIR dateTime");

    [Theory]
    [InlineData("\"high\"")]
    [InlineData("\"7.2\"")]
    [InlineData("true")]
    [InlineData("1e400")]
    public async Task A_quantity_whose_value_is_no_decimal_is_refused(string value) =>
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient(), Encounter(), Observation(value: value))),
            $"entry 2 (Observation/{ObservationId}): valueQuantity.value");

    [Fact]
    public async Task A_boolean_written_as_a_string_is_refused() =>
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient(extra: ", \"deceasedBoolean\": \"true\""))), "deceasedBoolean must be a boolean");

    [Theory]
    [InlineData("\" female\"")]
    [InlineData("\"fe  male\"")]
    [InlineData("\"\"")]
    [InlineData("[\"female\"]")]
    public async Task A_code_that_is_no_FHIR_code_is_refused(string gender) =>
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient(gender: gender))), $"entry 0 (Patient/{PatientId}): gender");

    [Fact]
    public async Task An_id_with_characters_FHIR_ids_do_not_have_is_refused() =>
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient().Replace($"\"id\": \"{PatientId}\"", "\"id\": \"a b/c\"", StringComparison.Ordinal))),
            "entry 0 (Patient", "id");

    [Fact]
    public async Task Entries_that_are_an_object_instead_of_a_list_are_refused_not_reported_imported()
    {
        var outcome = await ImportAsync($$$"""{"resourceType": "Bundle", "type": "transaction", "entry": {{{Patient()}}}}""");
        await ShouldBeRefusedAsync(outcome, "Bundle.entry must be an array");
    }

    [Fact]
    public async Task An_entry_whose_resource_is_not_an_object_is_refused() =>
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient(), """{"fullUrl": "urn:uuid:x", "resource": "Patient"}""")), "entry 1", "resource");

    [Fact]
    public async Task A_nul_in_a_mapped_string_is_refused_naming_the_element_and_the_next_file_still_imports()
    {
        var own = new TestDatabase();
        await own.InitializeAsync();
        try
        {
            var nul = Bundle(Patient(name: """[{"family": "Test\u0000person", "given": ["Quinn"]}]"""));
            var good = Bundle(Patient().Replace(PatientId, "7c0a2f7e-5c1d-4e3f-8a9b-0c1d2e3f4a5b", StringComparison.Ordinal));
            var summary = await ImportAsync(own,
            [
                BundleFile.FromBytes("nul.json", Encoding.UTF8.GetBytes(nul)),
                BundleFile.FromBytes("good.json", Encoding.UTF8.GetBytes(good)),
            ]);

            summary.Files[0].Ok.ShouldBeFalse();
            summary.Files[0].Error.ShouldNotBeNull().ShouldContain($"nul.json: entry 0 (Patient/{PatientId}): name[0].family");
            summary.Files[0].Error!.ShouldContain("NUL");
            summary.Files[1].Error.ShouldBeNull();
            summary.Files[1].Created["Patient"].ShouldBe(1);
            (await own.ScalarAsync<long>("SELECT count(*) FROM clinical.patients")).ShouldBe(1);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_nul_or_half_a_surrogate_pair_anywhere_in_a_resource_is_refused_naming_the_element()
    {
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient(extra: """, "text": {"status": "generated", "div": "<div>a\u0000b</div>"}"""))),
            $"entry 0 (Patient/{PatientId}): text.div", "NUL");
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient(extra: """, "extension": [{"url": "http://x.example/a", "valueString": "a\udc00b"}]"""))),
            $"entry 0 (Patient/{PatientId}): extension[0].valueString", "surrogate");
    }

    [Fact]
    public async Task A_control_character_in_a_name_is_refused() =>
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient(name: """[{"family": "Test\u001bperson"}]"""))), "name[0].family", "control character");

    [Fact]
    public async Task A_byte_order_mark_is_accepted()
    {
        var own = new TestDatabase();
        await own.InitializeAsync();
        try
        {
            byte[] bom = [0xEF, 0xBB, 0xBF];
            var master = Encoding.UTF8.GetBytes("""
                {"resourceType": "Bundle", "type": "batch", "entry": [{"fullUrl": "urn:uuid:5e1c0000-0000-4000-8000-000000000001",
                 "resource": {"resourceType": "Organization", "id": "5e1c0000-0000-4000-8000-000000000001", "name": "BOM Clinic",
                 "identifier": [{"system": "https://example.org/org", "value": "bom-1"}]}}]}
                """);
            var summary = await ImportAsync(own,
            [
                BundleFile.FromBytes("patient.json", [.. bom, .. Encoding.UTF8.GetBytes(Bundle(Patient(), Encounter()))]),
                BundleFile.FromBytes("master.json", [.. bom, .. master]),
            ]);

            summary.Files.Select(f => f.Error).ShouldBe([null, null]);
            summary.Files[1].Created["Organization"].ShouldBe(1);
            (await own.ScalarAsync<long>($"SELECT count(*) FROM clinical.encounters WHERE fhir_id = '{EncounterId}'")).ShouldBe(1);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_twenty_megabyte_family_name_is_refused_by_the_default_limit() =>
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient(name: $$"""[{"family": "{{new string('x', 20 * 1024 * 1024)}}"}]"""))),
            "name[0].family", "longer than the limit of 200 characters (Intake:Limits:Name)");

    [Fact]
    public async Task Many_given_names_together_are_held_to_the_name_limit() =>
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient(
                name: $$"""[{"family": "Testperson", "given": [{{string.Join(",", Enumerable.Repeat("\"Quinnelope\"", 100))}}]}]"""))),
            "name[0].given", "limit of 200 characters (Intake:Limits:Name)");

    [Fact]
    public async Task A_thirty_megabyte_note_is_refused_by_the_default_limit()
    {
        var text = Convert.ToBase64String(Encoding.UTF8.GetBytes(new string('n', 30 * 1024 * 1024)));
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient(), Note(text))),
            $"entry 1 (DocumentReference/{NoteId}): content[0].attachment.data", "Intake:Limits:Note");
    }

    [Fact]
    public async Task An_identifier_and_a_display_over_their_limits_are_refused()
    {
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient().Replace("MRN-6B0A", new string('9', 300), StringComparison.Ordinal))),
            "identifier[0].value", "Intake:Limits:Code");
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient(), Encounter(),
                Observation().Replace("Hemoglobin A1c", new string('d', 5000), StringComparison.Ordinal))),
            "code.coding[0].display", "Intake:Limits:Text");
    }

    [Fact]
    public async Task The_limits_are_settings()
    {
        await ShouldBeRefusedAsync(await ImportAsync(Bundle(Patient()), new Dictionary<string, string?> { ["Intake:Limits:Name"] = "5" }),
            "name[0].family", "longer than the limit of 5 characters (Intake:Limits:Name)");

        await using var services = database.Services(settings: new Dictionary<string, string?> { ["Intake:Limits:Note"] = "0" });
        Should.Throw<OptionsValidationException>(() => services.GetRequiredService<IOptions<IntakeOptions>>().Value)
            .Message.ShouldContain("Intake:Limits:Note");
    }

    [Fact]
    public async Task A_file_that_cannot_be_read_fails_alone_and_the_others_import()
    {
        var own = new TestDatabase();
        await own.InitializeAsync();
        try
        {
            var summary = await ImportAsync(own,
            [
                new BundleFile("unreadable.json", 1000, () => throw new IOException("the disk went away")),
                BundleFile.FromBytes("good.json", Encoding.UTF8.GetBytes(Bundle(Patient()))),
            ]);

            summary.Files[0].Ok.ShouldBeFalse();
            summary.Files[0].Error.ShouldNotBeNull().ShouldStartWith("unreadable.json: ");
            summary.Files[1].Error.ShouldBeNull();
            (await own.ScalarAsync<long>("SELECT count(*) FROM clinical.patients")).ShouldBe(1);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_file_that_fails_unexpectedly_in_the_database_fails_alone_and_the_others_import()
    {
        var own = new TestDatabase();
        await own.InitializeAsync();
        try
        {
            // A server-side failure the import cannot foresee, for one resource only.
            await own.ExecuteAsync("""
                CREATE FUNCTION public.fail_one() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'simulated failure'; END $$;
                CREATE TRIGGER fail_one BEFORE INSERT ON clinical.encounters FOR EACH ROW
                    WHEN (NEW.fhir_id = '6b0a2f7e-0000-4000-8000-000000000001') EXECUTE FUNCTION public.fail_one();
                """);
            var other = "7c0a2f7e-5c1d-4e3f-8a9b-0c1d2e3f4a5b";
            var summary = await ImportAsync(own,
            [
                BundleFile.FromBytes("fails.json", Encoding.UTF8.GetBytes(Bundle(Patient(), Encounter()))),
                BundleFile.FromBytes("good.json", Encoding.UTF8.GetBytes(Bundle(Patient().Replace(PatientId, other, StringComparison.Ordinal)))),
            ]);

            summary.Files[0].Ok.ShouldBeFalse();
            summary.Files[0].Error.ShouldNotBeNull().ShouldStartWith("fails.json: ");
            summary.Files[0].Error!.ShouldNotContain("simulated failure");
            summary.Files[1].Error.ShouldBeNull();
            (await own.ScalarAsync<long>($"SELECT count(*) FROM clinical.patients WHERE fhir_id = '{other}'")).ShouldBe(1);
            (await own.ScalarAsync<long>($"SELECT count(*) FROM clinical.patients WHERE fhir_id = '{PatientId}'")).ShouldBe(0);
            (await own.ScalarAsync<long>(
                "SELECT count(*) FROM audit.access_events WHERE resource_type = 'Bundle' AND resource_id = 'fails.json' AND outcome = 'error'")).ShouldBe(1);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }
}
