using System.Text;
using System.Text.Json;
using HimPortal.Application.Intake.ImportBundles;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HimPortal.Tests.Intake;

/// <summary>
/// Every patient bundle of the repository's Synthea data, imported (as it is kept, .json.gz) with its master data: for
/// each patient, each clinical type in the database counts what the bundle holds, and the same bundles as plain JSON
/// change nothing; names with accents round-trip; lab values and vital signs get the flag of the reference tables.
/// </summary>
public sealed class ImportAllSharedPatientsTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly Dictionary<string, string> Tables = new(StringComparer.Ordinal)
    {
        ["Encounter"] = "encounters", ["Condition"] = "conditions", ["Observation"] = "observations",
        ["DiagnosticReport"] = "diagnostic_reports", ["DocumentReference"] = "clinical_notes",
        ["MedicationRequest"] = "medication_requests", ["MedicationAdministration"] = "medication_administrations",
        ["AllergyIntolerance"] = "allergies", ["Immunization"] = "immunizations", ["Procedure"] = "procedures",
        ["ImagingStudy"] = "imaging_studies", ["CareTeam"] = "care_teams", ["CarePlan"] = "care_plans",
    };

    private async Task<ImportSummary> ImportAsync(IEnumerable<BundleFile> files)
    {
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<ImportBundlesHandler>()
            .HandleAsync(new ImportBundlesCommand([.. files]), CancellationToken.None)).Value!;
    }

    [Fact]
    public async Task Each_patient_has_exactly_what_the_bundle_holds()
    {
        var files = SyntheaData.PatientBundles().Append(SyntheaData.PractitionerBundle).Append(SyntheaData.HospitalBundle).ToList();
        var summary = await ImportAsync(files.Select(BundleFile.FromPath));
        summary.Files.Where(f => !f.Ok).Select(f => f.Error).ShouldBeEmpty();

        // The same 42 bundles decompressed: what the .json.gz stored is exactly what the .json holds.
        var asJson = await ImportAsync(files.Select(f => BundleFile.FromBytes(SyntheaData.JsonName(f), SyntheaData.ReadJson(f))));
        asJson.Files.Where(f => !f.Ok).Select(f => f.Error).ShouldBeEmpty();
        asJson.Created.ShouldBeEmpty();
        asJson.Updated.ShouldBeEmpty();
        asJson.Unchanged.ShouldBe(summary.Created);

        await using var connection = new NpgsqlConnection(database.SuperuserConnectionString);
        await connection.OpenAsync();
        var union = string.Join(" UNION ALL ", Tables.Select(t =>
            $"SELECT '{t.Key}', count(*) FROM clinical.{t.Value} x JOIN clinical.patients p ON p.id = x.patient_id WHERE p.fhir_id = $1"));
        foreach (var file in SyntheaData.PatientBundles())
        {
            using var bundle = JsonDocument.Parse(SyntheaData.ReadJson(file));
            var resources = bundle.RootElement.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource")).ToList();
            var patientId = resources.Single(r => r.GetProperty("resourceType").GetString() == "Patient").GetProperty("id").GetString()!;
            var expected = Tables.Keys.ToDictionary(t => t, t => (long)resources.Count(r => r.GetProperty("resourceType").GetString() == t));

            await using var command = new NpgsqlCommand(union, connection);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = patientId });
            var actual = new Dictionary<string, long>(StringComparer.Ordinal);
            await using (var reader = await command.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    actual[reader.GetString(0)] = reader.GetInt64(1);
                }
            }

            foreach (var (type, count) in expected)
            {
                actual[type].ShouldBe(count, $"{Path.GetFileName(file)}: {type}");
            }
        }

        (await database.ScalarAsync<string>("SELECT family_name FROM clinical.patients WHERE search_name LIKE '%cortes%'")).ShouldBe("Cortés936");
    }

    [Fact]
    public async Task Lab_values_are_flagged_from_the_reference_table_by_sex_and_age()
    {
        const string patient = "3c0a3f2e-6f43-4d7e-9d9b-0d1e2f3a4b5c";
        static string Lab(string id, string loinc, decimal value, string unit) => $$$"""
            {"fullUrl": "urn:uuid:{{{id}}}", "resource": {"resourceType": "Observation", "id": "{{{id}}}", "status": "final",
             "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}],
             "code": {"coding": [{"system": "http://loinc.org", "code": "{{{loinc}}}"}]}, "subject": {"reference": "urn:uuid:{{{patient}}}"},
             "effectiveDateTime": "2020-06-01T09:00:00+02:00", "valueQuantity": {"value": {{{value}}}, "unit": "{{{unit}}}"} }}
            """;
        var json = $$$"""
            {"resourceType": "Bundle", "type": "transaction", "entry": [
             {"fullUrl": "urn:uuid:{{{patient}}}", "resource": {"resourceType": "Patient", "id": "{{{patient}}}", "gender": "male",
              "birthDate": "1970-01-01", "name": [{"family": "Flagtest", "given": ["Lab"]}]}},
             {{{Lab("3c0a3f2e-0000-4000-8000-000000000001", "6298-4", 6.8m, "mmol/L")}}},
             {{{Lab("3c0a3f2e-0000-4000-8000-000000000002", "6298-4", 4.0m, "mmol/L")}}},
             {{{Lab("3c0a3f2e-0000-4000-8000-000000000003", "718-7", 13.0m, "g/dL")}}},
             {{{Lab("3c0a3f2e-0000-4000-8000-000000000004", "718-7", 15.0m, "g/dL")}}}
            ]}
            """;
        var bytes = Encoding.UTF8.GetBytes(json);
        var summary = await ImportAsync([BundleFile.FromBytes("flags.json", bytes)]);
        summary.Files.Single().Error.ShouldBeNull();

        async Task<string?> FlagOf(string id) =>
            await database.ScalarAsync<object>($"SELECT flag FROM clinical.observations WHERE fhir_id = '{id}'") as string;
        (await FlagOf("3c0a3f2e-0000-4000-8000-000000000001")).ShouldBe("critical-high"); // potassium 6.8
        (await FlagOf("3c0a3f2e-0000-4000-8000-000000000002")).ShouldBe("normal");        // potassium 4.0
        (await FlagOf("3c0a3f2e-0000-4000-8000-000000000003")).ShouldBe("low");           // hemoglobin 13.0, adult man
        (await FlagOf("3c0a3f2e-0000-4000-8000-000000000004")).ShouldBe("normal");
    }

    [Fact]
    public async Task Vital_signs_are_flagged_at_import_and_a_blood_pressure_keeps_its_worst_component()
    {
        const string patient = "3c0a3f2e-6f43-4d7e-9d9b-0d1e2f3a4b5d";
        static string Vital(string id, string loinc, string value) => $$$"""
            {"fullUrl": "urn:uuid:{{{id}}}", "resource": {"resourceType": "Observation", "id": "{{{id}}}", "status": "final",
             "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "vital-signs"}]}],
             "code": {"coding": [{"system": "http://loinc.org", "code": "{{{loinc}}}"}]}, "subject": {"reference": "urn:uuid:{{{patient}}}"},
             "effectiveDateTime": "2020-06-01T09:00:00+02:00", {{{value}}} }}
            """;
        static string Pressure(string code, int value) => $$"""
            {"code": {"coding": [{"system": "http://loinc.org", "code": "{{code}}"}]},
             "valueQuantity": {"value": {{value}}, "unit": "mmHg", "system": "http://unitsofmeasure.org", "code": "mm[Hg]"} }
            """;
        var json = $$$"""
            {"resourceType": "Bundle", "type": "transaction", "entry": [
             {"fullUrl": "urn:uuid:{{{patient}}}", "resource": {"resourceType": "Patient", "id": "{{{patient}}}", "gender": "female",
              "birthDate": "1970-01-01", "name": [{"family": "Flagtest", "given": ["Vital"]}]}},
             {{{Vital("3c0a3f2e-0000-4000-8000-000000000011", "2708-6", "\"valueQuantity\": {\"value\": 82, \"unit\": \"%\", \"system\": \"http://unitsofmeasure.org\", \"code\": \"%\"}")}}},
             {{{Vital("3c0a3f2e-0000-4000-8000-000000000012", "8310-5", "\"valueQuantity\": {\"value\": 40.042, \"unit\": \"degrees C\", \"system\": \"http://unitsofmeasure.org\", \"code\": \"Cel\"}")}}},
             {{{Vital("3c0a3f2e-0000-4000-8000-000000000013", "85354-9", "\"component\": [" + Pressure("8462-4", 125) + ", " + Pressure("8480-6", 150) + "]")}}}
            ]}
            """;
        var summary = await ImportAsync([BundleFile.FromBytes("vitals.json", Encoding.UTF8.GetBytes(json))]);
        summary.Files.Single().Error.ShouldBeNull();

        async Task<string> Stored(string id, string column) =>
            Convert.ToString(await database.ScalarAsync<object>($"SELECT {column} FROM clinical.observations WHERE fhir_id = '{id}'"),
                System.Globalization.CultureInfo.InvariantCulture)!;
        (await Stored("3c0a3f2e-0000-4000-8000-000000000011", "flag")).ShouldBe("critical-low");
        (await Stored("3c0a3f2e-0000-4000-8000-000000000012", "flag")).ShouldBe("high");
        // The UCUM code, not the unit's free text, is what the tables and the display are keyed by.
        (await Stored("3c0a3f2e-0000-4000-8000-000000000012", "value_unit")).ShouldBe("Cel");
        (await Stored("3c0a3f2e-0000-4000-8000-000000000012", "reference_high")).ShouldBe("38.0");
        // Systolic 150 is high; diastolic 125 is a hypertensive crisis: the panel is critical.
        (await Stored("3c0a3f2e-0000-4000-8000-000000000013", "flag")).ShouldBe("critical-high");
    }
}
