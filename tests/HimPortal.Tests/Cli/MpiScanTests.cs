using System.Text.Json;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Patients.Matching;

namespace HimPortal.Tests.Cli;

/// <summary>`himportal mpi scan [--json]`: the exact JSON shape, every pair waiting for review named by MRN.</summary>
public sealed class MpiScanTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Scan_json_prints_patients_seconds_and_each_pair_by_MRN_with_score_and_outcome()
    {
        await ClinicalData.ImportAsync(database, ClinicalData.Cortes, ClinicalData.Smallest);
        var duplicate = await ArrivalMatchingTests.ImportDuplicateAsync(database);
        var duplicateMrn = await database.ScalarAsync<string>($"SELECT mrn FROM clinical.patients WHERE id = '{duplicate}'");

        var run = await CliRunner.RunAsync(database, null, "mpi", "scan", "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        var root = JsonDocument.Parse(run.Output).RootElement;
        root.EnumerateObject().Select(p => p.Name).ShouldBe(["patients", "seconds", "pairs"]);
        root.GetProperty("patients").GetInt32().ShouldBe(3);
        root.GetProperty("seconds").GetDouble().ShouldBeGreaterThanOrEqualTo(0);
        var pair = root.GetProperty("pairs").EnumerateArray().ShouldHaveSingleItem();
        pair.EnumerateObject().Select(p => p.Name).ShouldBe(["a", "b", "score", "outcome"]);
        new[] { pair.GetProperty("a").GetString(), pair.GetProperty("b").GetString() }.ShouldBe([ClinicalData.Cortes, duplicateMrn], ignoreOrder: true);
        pair.GetProperty("score").GetDouble().ShouldBeInRange(0.98, 1);
        pair.GetProperty("outcome").GetString().ShouldBe("review");

        var human = await CliRunner.RunAsync(database, null, "mpi", "scan");
        human.ExitCode.ShouldBe(0, human.Error);
        human.Output.ShouldStartWith("Scanned 3 records in ");
    }
}
