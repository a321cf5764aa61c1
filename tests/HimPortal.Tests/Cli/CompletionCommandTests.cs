using System.Text.Json;
using HimPortal.Cli.Demo;
using HimPortal.Tests.Completion;
using HimPortal.Tests.Completion.Analysis;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Cli;

/// <summary>`himportal completion analyse` and `himportal completion status --patient MRN --json` (issue 18 item 2: the exact JSON shape).</summary>
public sealed class CompletionCommandTests(ChartDatabase chart) : IClassFixture<ChartDatabase>
{
    [Fact]
    public async Task Analyse_drains_the_queue_and_status_prints_each_stay_and_deficiency_in_the_issues_shape()
    {
        var database = chart.Database;
        var npi = (await AnalysisWorld.NpisAsync(database, 1))[0];
        var admitted = new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
        var stay = await AnalysisWorld.StayAsync(database, admitted, admitted.AddDays(2));
        stay.Participant(StayBundle.Practitioner(npi), "ATND");
        stay.Document("34117-2", "History and physical note", admitted.AddHours(2), StayBundle.Practitioner(npi), authenticated: true, "H&P");
        await Stays.ImportAsync(database, stay);

        var analyse = await CliRunner.RunAsync(database, null, "completion", "analyse");
        analyse.ExitCode.ShouldBe(0, analyse.Error);
        analyse.Output.ShouldMatch(@"^Analysed [0-9,]+ stays in ");
        (await database.ScalarAsync<long>("SELECT count(*) FROM completion.analysis_queue")).ShouldBe(0);

        var mrn = await database.ScalarAsync<string>($"SELECT mrn FROM clinical.patients WHERE fhir_id = '{ClinicalData.Smallest}'");
        var run = await CliRunner.RunAsync(database, null, "completion", "status", "--patient", mrn, "--json");
        run.ExitCode.ShouldBe(0, run.Error);
        var root = JsonDocument.Parse(run.Output).RootElement;
        root.EnumerateObject().Select(p => p.Name).ShouldBe(["stays"]);
        var found = root.GetProperty("stays").EnumerateArray().Single(s => s.GetProperty("encounter").GetString() == stay.EncounterFhirId);
        found.EnumerateObject().Select(p => p.Name).ShouldBe(["encounter", "discharged", "complete", "deficiencies"]);
        found.GetProperty("discharged").GetString().ShouldBe("2026-11-04T08:00:00Z");
        found.GetProperty("complete").GetBoolean().ShouldBeFalse();
        var summary = found.GetProperty("deficiencies").EnumerateArray().ShouldHaveSingleItem();
        summary.EnumerateObject().Select(p => p.Name).ShouldBe(["rule", "status", "responsible", "due", "delinquent"]);
        summary.GetProperty("rule").GetString().ShouldBe("Discharge summary after an inpatient stay");
        summary.GetProperty("status").GetString().ShouldBe("open");
        summary.GetProperty("responsible").GetString().ShouldBe(npi);
        summary.GetProperty("due").GetString().ShouldBe("2026-11-11T08:00:00Z");
        // Discharged 4 Nov 2026 + 30 days: delinquent once the real clock passes 4 Dec 2026.
        summary.GetProperty("delinquent").GetBoolean().ShouldBe(DateTimeOffset.UtcNow >= admitted.AddDays(32));

        var unknown = await CliRunner.RunAsync(database, null, "completion", "status", "--patient", "NO-SUCH-MRN", "--json");
        unknown.ExitCode.ShouldBe(1);
    }
}
