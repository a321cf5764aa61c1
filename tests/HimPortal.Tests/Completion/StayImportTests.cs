using HimPortal.Cli.Demo;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Completion;

/// <summary>What chart completion reads from an imported stay, and the writer's trigger (issue 18, ADR 0035).</summary>
public sealed class StayImportTests(ChartDatabase chart) : IClassFixture<ChartDatabase>
{
    [Fact]
    public async Task A_stays_documents_procedures_and_orders_carry_what_the_rules_read_and_the_stay_is_queued_for_analysis()
    {
        var database = chart.Database;
        var patient = await ClinicalData.PatientIdAsync(database, ClinicalData.Smallest);
        var surgeon = StayBundle.Practitioner(await ClinicalData.TreatingNpiAsync(database, patient));
        var admitted = new DateTimeOffset(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);
        var stay = await Stays.ForStoredPatientAsync(database, patient, "IMP", admitted, admitted.AddDays(3));
        stay.Participant(surgeon, "ATND");
        var procedure = stay.Procedure("80146002", "Appendectomy", admitted.AddHours(5), admitted.AddHours(6), surgeon);
        var signed = stay.Document("34117-2", "History and physical note", admitted.AddHours(2), surgeon, authenticated: true, "H&P text");
        var unsigned = stay.Document("11504-8", "Surgical operation note", admitted.AddHours(7), surgeon, authenticated: false, "Op note text");
        var order = stay.Order("313782", "Acetaminophen 325 MG Oral Tablet", admitted.AddHours(1), surgeon, "VERBAL");
        await Stays.ImportAsync(database, stay);

        var encounter = await Stays.EncounterIdAsync(database, stay.EncounterFhirId);
        (await database.ScalarAsync<string>($"SELECT doc_status || ':' || (authenticator_id IS NOT NULL) FROM clinical.clinical_notes WHERE fhir_id = '{signed}'")).ShouldBe("final:true");
        (await database.ScalarAsync<string>($"SELECT doc_status || ':' || (authenticator_id IS NOT NULL) FROM clinical.clinical_notes WHERE fhir_id = '{unsigned}'")).ShouldBe("preliminary:false");
        (await database.ScalarAsync<bool>($"SELECT performer_id IS NOT NULL FROM clinical.procedures WHERE fhir_id = '{procedure}'")).ShouldBeTrue();
        (await database.ScalarAsync<string>($"SELECT array_to_string(mode_codes, ',') FROM clinical.medication_requests WHERE fhir_id = '{order}'"))
            .ShouldBe(StayBundle.ParticipationModeSystem + "|VERBAL");
        (await database.ScalarAsync<long>($"SELECT count(*) FROM completion.analysis_queue WHERE encounter_id = '{encounter}'")).ShouldBe(1);
        (await database.ScalarAsync<long>($"SELECT count(*) FROM jobs.jobs WHERE kind = 'completion.analyse-stays'")).ShouldBeGreaterThan(0);

        // The same bundle again changes nothing (imports are idempotent).
        await Stays.AnalyseAsync(database);
        await Stays.ImportAsync(database, stay);
        (await database.ScalarAsync<long>($"SELECT count(*) FROM completion.analysis_queue WHERE encounter_id = '{encounter}'")).ShouldBe(0);
    }
}
