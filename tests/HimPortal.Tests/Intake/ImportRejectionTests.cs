using System.Text;
using HimPortal.Application.Intake.ImportBundles;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Intake;

/// <summary>Each kind of bad bundle is rejected whole, with a message naming the file, the entry and the problem.</summary>
public sealed class ImportRejectionTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private const string PatientId = "7f1e5a9c-3b2d-4c8e-9f10-aa11bb22cc33";

    private static string Patient => $$$"""
        {"fullUrl": "urn:uuid:{{{PatientId}}}", "resource": {"resourceType": "Patient", "id": "{{{PatientId}}}", "gender": "female",
         "birthDate": "1980-02-01", "name": [{"family": "Testperson", "given": ["Quinn"]}]},
         "request": {"method": "POST", "url": "Patient"}}
        """;

    private static string Encounter(string subject = $"urn:uuid:{PatientId}") => $$$"""
        {"fullUrl": "urn:uuid:0b9c0d3e-0000-4000-8000-000000000001", "resource": {"resourceType": "Encounter",
         "id": "0b9c0d3e-0000-4000-8000-000000000001", "status": "finished", "class": {"code": "AMB"},
         "subject": {"reference": "{{{subject}}}"}, "period": {"start": "2020-01-01T10:00:00+01:00"}},
         "request": {"method": "POST", "url": "Encounter"}}
        """;

    private static string Bundle(string type, params string[] entries) =>
        $$$"""{"resourceType": "Bundle", "type": "{{{type}}}", "entry": [{{{string.Join(",", entries)}}}]}""";

    private async Task<FileOutcome> ImportAsync(byte[] bytes, string name = "incoming.json", long? maxBytes = null) =>
        (await ImportAsync(database, [BundleFile.FromBytes(name, bytes)], maxBytes)).Files.Single();

    private static async Task<ImportSummary> ImportAsync(TestDatabase into, BundleFile[] files, long? maxBytes = null)
    {
        var settings = maxBytes is { } limit
            ? new Dictionary<string, string?> { ["Intake:MaxBundleBytes"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture) }
            : [];
        await using var services = into.Services(settings: settings);
        await using var scope = services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<ImportBundlesHandler>()
            .HandleAsync(new ImportBundlesCommand(files), CancellationToken.None)).Value!;
    }

    private Task<FileOutcome> ImportAsync(string json, string name = "incoming.json") => ImportAsync(Encoding.UTF8.GetBytes(json), name);

    private async Task ShouldBeRejectedAsync(FileOutcome outcome, params string[] phrases)
    {
        outcome.Ok.ShouldBeFalse();
        outcome.Error.ShouldNotBeNull();
        outcome.Error.ShouldStartWith(outcome.Path);
        foreach (var phrase in phrases)
        {
            outcome.Error.ShouldContain(phrase);
        }

        (await database.ScalarAsync<long>("SELECT count(*) FROM clinical.patients")).ShouldBe(0);
        (await database.ScalarAsync<long>("SELECT count(*) FROM clinical.encounters")).ShouldBe(0);
    }

    [Fact]
    public async Task Malformed_json_is_rejected() =>
        await ShouldBeRejectedAsync(await ImportAsync("{\"resourceType\": \"Bundle\",, }", "garbled.json"), "garbled.json", "not valid JSON", "line 1");

    [Fact]
    public async Task Malformed_json_is_reported_at_its_line_in_the_file() =>
        await ShouldBeRejectedAsync(await ImportAsync("{\n  \"resourceType\": \"Bundle\",\n  \"entry\": [1 2]\n}", "gap.json"),
            "gap.json", "not valid JSON", "line 3");

    [Fact]
    public async Task A_search_result_bundle_is_rejected() =>
        await ShouldBeRejectedAsync(await ImportAsync(Bundle("searchset", Patient)), "Bundle.type is 'searchset'");

    [Fact]
    public async Task A_patient_bundle_without_a_patient_is_rejected() =>
        await ShouldBeRejectedAsync(await ImportAsync(Bundle("transaction", Encounter())), "no Patient resource");

    [Fact]
    public async Task A_reference_that_resolves_nowhere_rejects_the_whole_bundle() =>
        await ShouldBeRejectedAsync(await ImportAsync(Bundle("transaction", Patient, Encounter("urn:uuid:11111111-2222-4333-8444-555555555555"))),
            "entry 1 (Encounter/0b9c0d3e-0000-4000-8000-000000000001)", "urn:uuid:11111111-2222-4333-8444-555555555555", "resolves to no entry");

    [Fact]
    public async Task A_relative_reference_to_a_patient_not_in_the_record_is_rejected_at_write_time() =>
        await ShouldBeRejectedAsync(await ImportAsync(Bundle("transaction", Patient, Encounter("Patient/not-stored-anywhere"))),
            "Patient resolves to nothing");

    [Fact]
    public async Task A_resource_missing_what_the_record_requires_is_rejected()
    {
        var observation = $$$"""
            {"fullUrl": "urn:uuid:0b9c0d3e-0000-4000-8000-000000000002", "resource": {"resourceType": "Observation",
             "id": "0b9c0d3e-0000-4000-8000-000000000002", "status": "final", "subject": {"reference": "urn:uuid:{{{PatientId}}}"} }}
            """;
        await ShouldBeRejectedAsync(await ImportAsync(Bundle("transaction", Patient, Encounter(), observation)),
            "entry 2 (Observation/0b9c0d3e-0000-4000-8000-000000000002)", "no code");
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_rejected() =>
        await ShouldBeRejectedAsync(await ImportAsync(Encoding.UTF8.GetBytes(Bundle("transaction", Patient)), "big.json", maxBytes: 100),
            "big.json", "over the limit of 100");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_gzip_file_whose_content_is_over_the_size_limit_is_rejected(bool trailerUnderstates)
    {
        // A small file that decompresses to far more than the limit (a gzip bomb, here 100 kB of spaces in a valid
        // bundle): the limit is on what the file decompresses to, whether the gzip trailer says so or understates it.
        var content = Encoding.UTF8.GetBytes(Bundle("transaction", Patient) + new string(' ', 100_000));
        var gzip = Gzip(content);
        if (trailerUnderstates)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(gzip.AsSpan(gzip.Length - 4), 100);
        }

        gzip.Length.ShouldBeLessThan(999);
        using var folder = new TempFolder();
        var path = folder.Write("bomb.json.gz", gzip);

        await ShouldBeRejectedAsync((await ImportAsync(database, [BundleFile.FromPath(path)], maxBytes: 999)).Files.Single(),
            "bomb.json.gz", "decompressed", "over the limit of 999");
    }

    [Fact]
    public async Task A_damaged_gzip_file_is_rejected_and_the_other_files_of_the_run_still_import()
    {
        var good = Gzip(Encoding.UTF8.GetBytes(Bundle("transaction", Patient)));
        var flipped = (byte[])good.Clone();
        flipped[good.Length / 2] ^= 0xFF;
        using var folder = new TempFolder();
        var files = new[]
        {
            folder.Write("flipped.json.gz", flipped),
            folder.Write("cut-short.json.gz", good[..(good.Length / 2)]),
            folder.Write("plain-text.json.gz", Encoding.UTF8.GetBytes(Bundle("transaction", Patient))),
            folder.Write("good.json.gz", good),
        };

        var own = new TestDatabase();
        await own.InitializeAsync();
        try
        {
            var summary = await ImportAsync(own, [.. files.Select(BundleFile.FromPath)]);

            summary.Files.Select(f => f.Path).ShouldBe(files);
            summary.Files[0].Error.ShouldBe($"{files[0]}: not a readable gzip file (damaged, or not gzip at all)");
            summary.Files[1].Error.ShouldNotBeNull().ShouldStartWith($"{files[1]}: the gzip file is cut short or damaged");
            summary.Files[2].Error.ShouldBe($"{files[2]}: not a readable gzip file (damaged, or not gzip at all)");
            summary.Files[3].Error.ShouldBeNull();
            summary.Files[3].Created["Patient"].ShouldBe(1);
            (await own.ScalarAsync<long>($"SELECT count(*) FROM clinical.patients WHERE fhir_id = '{PatientId}'")).ShouldBe(1);
        }
        finally
        {
            await own.DisposeAsync();
        }
    }

    private static byte[] Gzip(byte[] content)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.SmallestSize))
        {
            gzip.Write(content);
        }

        return compressed.ToArray();
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_are_rejected()
    {
        var bytes = Encoding.Latin1.GetBytes(Bundle("transaction", Patient).Replace("Quinn", "Quiñn", StringComparison.Ordinal));
        await ShouldBeRejectedAsync(await ImportAsync(bytes, "latin1.json"), "latin1.json", "not UTF-8");
    }

    [Fact]
    public async Task An_id_longer_than_the_record_keeps_is_rejected() =>
        await ShouldBeRejectedAsync(await ImportAsync(Bundle("transaction", Patient.Replace($"\"id\": \"{PatientId}\"", $"\"id\": \"{new string('x', 129)}\"",
            StringComparison.Ordinal))), "entry 0 (Patient)", "129 characters");

    [Fact]
    public async Task A_patient_bundle_that_refers_to_master_data_which_failed_to_store_is_rejected_whole()
    {
        // The practitioner's role names an organization by a relative reference that is in neither the bundle nor the
        // record, so the master-data bundle fails when it is written, after its practitioner was indexed.
        var master = Bundle("batch", """
            {"fullUrl": "urn:uuid:5d1c0000-0000-4000-8000-000000000001", "resource": {"resourceType": "Practitioner",
             "id": "5d1c0000-0000-4000-8000-000000000001", "identifier": [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "9999999001"}]}}
            """, """
            {"fullUrl": "urn:uuid:5d1c0000-0000-4000-8000-000000000002", "resource": {"resourceType": "PractitionerRole",
             "id": "5d1c0000-0000-4000-8000-000000000002", "practitioner": {"reference": "urn:uuid:5d1c0000-0000-4000-8000-000000000001"},
             "organization": {"reference": "Organization/not-stored-anywhere"}}}
            """);
        var encounter = Encounter().Replace("\"period\":", """
            "participant": [{"individual": {"reference": "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999999001"}}], "period":
            """, StringComparison.Ordinal);
        var patient = Bundle("transaction", Patient, encounter);

        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var summary = (await scope.ServiceProvider.GetRequiredService<ImportBundlesHandler>().HandleAsync(new ImportBundlesCommand(
        [
            BundleFile.FromBytes("patient.json", Encoding.UTF8.GetBytes(patient)),
            BundleFile.FromBytes("master.json", Encoding.UTF8.GetBytes(master)),
        ]), CancellationToken.None)).Value!;

        summary.Files[1].Error.ShouldNotBeNull().ShouldContain("Organization resolves to nothing");
        await ShouldBeRejectedAsync(summary.Files[0], "patient.json", "resolves to nothing in the record");
        (await database.ScalarAsync<long>("SELECT count(*) FROM clinical.practitioners")).ShouldBe(0);
    }

    [Fact]
    public async Task A_refused_bundle_is_audited_as_an_error()
    {
        await ImportAsync(Bundle("searchset", Patient), "refused.json");
        (await database.ScalarAsync<long>(
            "SELECT count(*) FROM audit.access_events WHERE action = 'create' AND outcome = 'error' AND resource_id = 'refused.json'")).ShouldBeGreaterThanOrEqualTo(1);
    }
}
