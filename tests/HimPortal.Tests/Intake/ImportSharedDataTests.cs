using System.Text.Json;
using System.Text.Json.Nodes;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Intake;

/// <summary>
/// `himportal import` on real Synthea bundles: patient bundles before their master data, counts that match the files,
/// a second run that changes nothing, a changed resource that is updated, and a bad file that fails alone, all through
/// the real `himportal` process.
/// </summary>
public sealed class ImportSharedDataTests(TestDatabase database) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("himportal-import-").FullName;

    private static readonly string[] Patients =
    [
        "8a4c9c04-1524-9f1c-d65b-9b17e4520fef", // 3 encounters
        "8dd4ed1f-108e-64ad-ce09-926c83ce7f76", // Armando Cortés: non-ASCII name
        "9a174f9e-ed67-6617-0106-745fb1f9a344", // has an ImagingStudy
    ];

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Imports_whole_bundles_in_any_order_idempotently_and_updates_what_changed()
    {
        // Patient bundles named to sort before the master data: the importer must order them itself.
        foreach (var patient in Patients)
        {
            SyntheaData.WriteJson(SyntheaData.PatientBundle(patient), _folder, $"a-{patient}.json");
        }

        // Practitioner roles refer to the hospital bundle's organizations: name them so the roles come first, and the
        // importer has to retry them after the organizations.
        SyntheaData.WriteJson(SyntheaData.PractitionerBundle, _folder, "y-practitioners.json");
        SyntheaData.WriteJson(SyntheaData.HospitalBundle, _folder, "z-hospital.json");
        var expected = ExpectedCounts(Directory.GetFiles(_folder));

        var first = await ImportAsync(_folder);
        first.ExitCode.ShouldBe(0, first.Error);
        var summary = JsonNode.Parse(first.Output)!;
        summary["files"]!.AsArray().Count.ShouldBe(5);
        summary["files"]!.AsArray().ShouldAllBe(f => f!["ok"]!.GetValue<bool>());
        Counts(summary["created"]).ShouldBe(expected.Stored);
        Counts(summary["skipped"]).ShouldBe(expected.Skipped);
        Counts(summary["updated"]).ShouldBeEmpty();

        (await Count("clinical.patients")).ShouldBe(3);
        (await Count("clinical.encounters")).ShouldBe(expected.Stored["Encounter"]);
        (await Count("clinical.observations")).ShouldBe(expected.Stored["Observation"]);
        (await Count("clinical.clinical_notes WHERE text LIKE '%Patient%'")).ShouldBeGreaterThan(0);
        (await Count("clinical.clinical_notes WHERE text IS NULL")).ShouldBe(0);
        (await Count("clinical.patients WHERE search_name LIKE '%cortes%'")).ShouldBe(1);
        (await Count("clinical.observations WHERE category = 'laboratory' AND value_quantity IS NOT NULL AND flag IS NULL")).ShouldBe(0);
        (await Count("clinical.imaging_studies WHERE modality IS NOT NULL AND series_count >= 1 AND instance_count >= 1")).ShouldBeGreaterThan(0);
        (await Count("clinical.diagnostic_report_results")).ShouldBeGreaterThan(0);
        // Every encounter participant is a stored practitioner: the treatment relationship is one indexed query.
        (await Count("clinical.encounter_participants p JOIN clinical.practitioners pr ON pr.id = p.practitioner_id")).ShouldBe(
            await Count("clinical.encounter_participants"));
        (await Count("audit.access_events WHERE action = 'create' AND resource_type = 'Bundle' AND outcome = 'success'")).ShouldBe(5);

        var again = await ImportAsync(_folder);
        again.ExitCode.ShouldBe(0, again.Error);
        var second = JsonNode.Parse(again.Output)!;
        Counts(second["created"]).ShouldBeEmpty();
        Counts(second["updated"]).ShouldBeEmpty();
        Counts(second["unchanged"]).ShouldBe(expected.Stored);

        // The same observation with a different value is an update; its bundle's other resources stay unchanged.
        var changedFile = Path.Combine(_folder, $"a-{Patients[0]}.json");
        var bundle = JsonNode.Parse(await File.ReadAllTextAsync(changedFile))!;
        var observation = bundle["entry"]!.AsArray().Select(e => e!["resource"]!)
            .First(r => (string?)r["resourceType"] == "Observation" && r["valueQuantity"] is not null);
        observation["valueQuantity"]!["value"] = 123.4m;
        await File.WriteAllTextAsync(changedFile, bundle.ToJsonString());
        var third = await ImportAsync(changedFile);
        third.ExitCode.ShouldBe(0, third.Error);
        Counts(JsonNode.Parse(third.Output)!["updated"]).ShouldBe(new SortedDictionary<string, int>(StringComparer.Ordinal) { ["Observation"] = 1 });
        (await database.ScalarAsync<decimal>($"SELECT value_quantity FROM clinical.observations WHERE fhir_id = '{(string)observation["id"]!}'"))
            .ShouldBe(123.4m);

        // One bad file fails alone: the exit code says so, the good one (gzip-compressed, as the repository keeps it) still imports.
        var bad = Path.Combine(_folder, "broken.json");
        await File.WriteAllTextAsync(bad, "{\"resourceType\": \"Bundle\", \"type\": ");
        var mixed = await ImportAsync(bad, SyntheaData.PatientBundle("53eac4c0-8d6b-72da-2768-a6d08e687f48"));
        mixed.ExitCode.ShouldBe(1);
        var files = JsonNode.Parse(mixed.Output)!["files"]!.AsArray();
        files.Single(f => ((string)f!["path"]!).EndsWith("broken.json", StringComparison.Ordinal))!["error"]!.GetValue<string>()
            .ShouldContain("not valid JSON");
        (await Count("clinical.patients")).ShouldBe(4);
    }

    private Task<CliRunner.Run> ImportAsync(params string[] paths) => CliRunner.RunAsync(database, null, ["import", "--json", .. paths]);

    private Task<long> Count(string from) => database.ScalarAsync<long>("SELECT count(*) FROM " + from);

    private static SortedDictionary<string, int> Counts(JsonNode? node) =>
        new(node!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<int>()), StringComparer.Ordinal);

    /// <summary>What the files hold, counted independently of the importer.</summary>
    private static (SortedDictionary<string, int> Stored, SortedDictionary<string, int> Skipped) ExpectedCounts(IEnumerable<string> files)
    {
        string[] stored =
        [
            "Patient", "Practitioner", "PractitionerRole", "Organization", "Location", "Encounter", "Condition", "Observation",
            "DiagnosticReport", "DocumentReference", "MedicationRequest", "Medication", "MedicationAdministration",
            "AllergyIntolerance", "Immunization", "Procedure", "ImagingStudy", "CareTeam", "CarePlan",
        ];
        var counts = files
            .SelectMany(f => JsonDocument.Parse(File.ReadAllBytes(f)).RootElement.GetProperty("entry").EnumerateArray()
                .Select(e => e.GetProperty("resource").GetProperty("resourceType").GetString()!))
            .GroupBy(t => t)
            .ToDictionary(g => g.Key, g => g.Count());
        return (new(counts.Where(c => stored.Contains(c.Key)).ToDictionary(), StringComparer.Ordinal),
                new(counts.Where(c => !stored.Contains(c.Key)).ToDictionary(), StringComparer.Ordinal));
    }
}
