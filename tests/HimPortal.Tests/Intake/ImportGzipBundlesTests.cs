using System.Text.Json;
using System.Text.Json.Nodes;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Intake;

/// <summary>
/// `himportal import` of gzip-compressed bundles, as the repository keeps them (data/synthea-r4): a folder takes *.json
/// and *.json.gz alike, and a .json.gz stores exactly what its .json holds.
/// </summary>
public sealed class ImportGzipBundlesTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task A_folder_of_json_gz_and_json_bundles_imports_as_the_same_bundles_in_plain_json()
    {
        // The repository's .json.gz files (master data and two patients) with a plain .json beside them; the same four
        // .json.gz decompressed, in a folder of their own.
        using var compressed = new TempFolder();
        using var plain = new TempFolder();
        string[] bundles =
        [
            SyntheaData.HospitalBundle, SyntheaData.PractitionerBundle,
            SyntheaData.PatientBundle("8a4c9c04-1524-9f1c-d65b-9b17e4520fef"), SyntheaData.PatientBundle("8dd4ed1f-108e-64ad-ce09-926c83ce7f76"),
        ];
        foreach (var bundle in bundles)
        {
            File.Copy(bundle, Path.Combine(compressed.Path, Path.GetFileName(bundle)));
            SyntheaData.WriteJson(bundle, plain.Path);
        }

        var beside = SyntheaData.WriteJson(SyntheaData.PatientBundle("9a174f9e-ed67-6617-0106-745fb1f9a344"), compressed.Path);

        var first = await ImportAsync(compressed.Path);
        first.ExitCode.ShouldBe(0, first.Error);
        var summary = JsonNode.Parse(first.Output)!;
        summary["files"]!.AsArray().Select(f => (string)f!["path"]!).Order(StringComparer.Ordinal)
            .ShouldBe(Directory.GetFiles(compressed.Path).Order(StringComparer.Ordinal));
        summary["files"]!.AsArray().Count(f => ((string)f!["path"]!).EndsWith(".json.gz", StringComparison.Ordinal)).ShouldBe(4);
        summary["files"]!.AsArray().ShouldAllBe(f => f!["ok"]!.GetValue<bool>());
        var expected = StoredCounts(Directory.GetFiles(plain.Path).Append(beside));
        Counts(summary["created"]).ShouldBe(expected);

        // The four as plain JSON change nothing: each .json.gz stored exactly what its .json holds.
        var again = await ImportAsync(plain.Path);
        again.ExitCode.ShouldBe(0, again.Error);
        var second = JsonNode.Parse(again.Output)!;
        Counts(second["created"]).ShouldBeEmpty();
        Counts(second["updated"]).ShouldBeEmpty();
        Counts(second["unchanged"]).ShouldBe(StoredCounts(Directory.GetFiles(plain.Path)));
    }

    private Task<CliRunner.Run> ImportAsync(string path) => CliRunner.RunAsync(database, null, "import", "--json", path);

    private static SortedDictionary<string, int> Counts(JsonNode? node) =>
        new(node!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<int>()), StringComparer.Ordinal);

    /// <summary>The types in this data that the record does not hold (the import counts them as skipped).</summary>
    private static readonly string[] NotStored = ["Claim", "ExplanationOfBenefit", "Provenance", "SupplyDelivery", "Device"];

    /// <summary>Resources of the types the record stores, counted from the JSON files themselves.</summary>
    private static SortedDictionary<string, int> StoredCounts(IEnumerable<string> files)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            using var bundle = JsonDocument.Parse(File.ReadAllBytes(file));
            foreach (var entry in bundle.RootElement.GetProperty("entry").EnumerateArray())
            {
                var type = entry.GetProperty("resource").GetProperty("resourceType").GetString()!;
                if (!NotStored.Contains(type))
                    counts[type] = counts.GetValueOrDefault(type) + 1;
            }
        }

        return counts;
    }
}
