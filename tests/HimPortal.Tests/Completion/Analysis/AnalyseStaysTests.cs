using HimPortal.Cli.Demo;
using HimPortal.Data;
using HimPortal.Data.Completion;
using HimPortal.Tests.Documents;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Completion.Analysis;

/// <summary>The analysis of imported stays against the seeded rules (issue 18 items 1 and 2; 42 CFR 482.22(c)(5), 482.24(c), 482.51(b)(6), 482.52(b)).</summary>
public sealed class AnalyseStaysTests(ChartDatabase chart) : IClassFixture<ChartDatabase>
{
    private static readonly DateTimeOffset Admitted = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    private TestDatabase Database => chart.Database;

    private static string Key(IEnumerable<Deficiency> deficiencies, string prefix) =>
        deficiencies.Single(d => d.Key.StartsWith(prefix, StringComparison.Ordinal)).Key;

    [Fact]
    public async Task A_stay_without_documents_owes_each_by_role_and_they_clear_when_a_later_import_brings_them()
    {
        var npis = await AnalysisWorld.NpisAsync(Database, 4);
        var (admitting, attending, discharger, surgeon) = (StayBundle.Practitioner(npis[0]), StayBundle.Practitioner(npis[1]), StayBundle.Practitioner(npis[2]), StayBundle.Practitioner(npis[3]));
        var fhirId = Guid.NewGuid().ToString("D");
        StayBundle Build(bool documents)
        {
            var stay = new StayBundle(PatientJson!.DeepClone().AsObject(), fhirId, "IMP", Admitted, Admitted.AddDays(3));
            stay.Participant(attending, "ATND").Participant(admitting, "ADM").Participant(discharger, "DIS");
            stay.Procedure("80146002", "Appendectomy", Admitted.AddHours(20), Admitted.AddHours(21), surgeon);
            stay.Order("313782", "Acetaminophen 325 MG Oral Tablet", Admitted.AddHours(1), attending, "VERBAL");
            stay.Order("313782", "Acetaminophen 325 MG Oral Tablet", Admitted.AddHours(2), attending, null);
            if (documents)
            {
                stay.Document("34117-2", "History and physical note", Admitted.AddHours(3), admitting, authenticated: true, "H&P", fhirId + "-hp");
                stay.Document("59284-0", "Consent", Admitted.AddHours(19), surgeon, authenticated: true, "Consent", fhirId + "-consent");
                stay.Document("34750-0", "Anesthesiology note", Admitted.AddHours(19), surgeon, authenticated: true, "Pre", fhirId + "-pre");
                stay.Document("34750-0", "Anesthesiology note", Admitted.AddHours(23), surgeon, authenticated: true, "Post", fhirId + "-post");
                stay.Document("11504-8", "Surgical operation note", Admitted.AddHours(22), surgeon, authenticated: true, "Op", fhirId + "-op");
                stay.Document("18842-5", "Discharge summary", Admitted.AddDays(3), discharger, authenticated: true, "DS", fhirId + "-ds");
            }

            return stay;
        }

        PatientJson = await PatientAsync();
        await Stays.ImportAsync(Database, Build(documents: false));
        await Stays.AnalyseAsync(Database);
        var found = await AnalysisWorld.DeficienciesAsync(Database, fhirId);
        found.Select(d => d.Key.Split(':')[0]).Order().ShouldBe(
            ["consent", "discharge-summary", "hp-24h", "operative-report", "post-anesthesia", "pre-anesthesia", "verbal-orders"]);
        found.ShouldAllBe(d => d.Status == DeficiencyStatuses.Open && d.DischargedAt == Admitted.AddDays(3));
        var ids = await Task.WhenAll(npis.Select(n => AnalysisWorld.PractitionerIdAsync(Database, n)));
        found.Single(d => d.Key == "hp-24h").ResponsiblePractitionerId.ShouldBe(ids[0]);
        found.Single(d => d.Key == "hp-24h").DueAt.ShouldBe(Admitted.AddHours(24));
        found.Single(d => d.Key == "discharge-summary").ResponsiblePractitionerId.ShouldBe(ids[2]);
        found.Single(d => d.Key.StartsWith("operative-report:", StringComparison.Ordinal)).ResponsiblePractitionerId.ShouldBe(ids[3]);
        var order = found.Single(d => d.Kind == DeficiencyKinds.OrderAuthentication);
        (order.ResponsiblePractitionerId, order.DueAt).ShouldBe((ids[1], Admitted.AddHours(49)));
        var stayRow = await AnalysisWorld.StayAsync(Database, fhirId);
        stayRow!.Status.ShouldBe(StayStatuses.Incomplete);
        stayRow.OpenDeficiencies.ShouldBe(7);
        stayRow.DelinquentAt.ShouldBe(Admitted.AddDays(33));

        await Stays.ImportAsync(Database, Build(documents: true));
        await Stays.AnalyseAsync(Database);
        var after = await AnalysisWorld.DeficienciesAsync(Database, fhirId);
        after.Where(d => d.Kind != DeficiencyKinds.OrderAuthentication).ShouldAllBe(d => d.Status == DeficiencyStatuses.Resolved && d.Resolution == "satisfied");
        after.Count(d => d.Status == DeficiencyStatuses.Open).ShouldBe(1);
        (await AnalysisWorld.StayAsync(Database, fhirId))!.OpenDeficiencies.ShouldBe(1);
        var history = await Database.ScalarAsync<long>($"SELECT count(*) FROM completion.deficiency_events e JOIN completion.deficiencies d ON d.id = e.deficiency_id WHERE d.encounter_id = '{stayRow.EncounterId}' AND e.kind = 'resolved'");
        history.ShouldBe(6);
    }

    private System.Text.Json.Nodes.JsonObject? PatientJson { get; set; }

    private async Task<System.Text.Json.Nodes.JsonObject> PatientAsync()
    {
        var patient = await ClinicalData.PatientIdAsync(Database, ClinicalData.Smallest);
        var json = await Database.ScalarAsync<string>($"SELECT resource::text FROM clinical.patients WHERE id = '{patient}'");
        return System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
    }

    [Fact]
    public async Task An_unsigned_document_is_owed_by_its_author_and_a_signature_given_here_resolves_it()
    {
        var npis = await AnalysisWorld.NpisAsync(Database, 2);
        var stay = await AnalysisWorld.StayAsync(Database, Admitted, Admitted.AddDays(2), "EMER");
        stay.Participant(StayBundle.Practitioner(npis[0]), "ATND");
        var note = stay.Document("11506-3", "Progress note", Admitted.AddHours(5), StayBundle.Practitioner(npis[1]), authenticated: false, "text");
        await Stays.ImportAsync(Database, stay);
        await Stays.AnalyseAsync(Database);

        var owed = (await AnalysisWorld.DeficienciesAsync(Database, stay.EncounterFhirId)).Single();
        owed.Kind.ShouldBe(DeficiencyKinds.Signature);
        owed.ResponsiblePractitionerId.ShouldBe(await AnalysisWorld.PractitionerIdAsync(Database, npis[1]));
        owed.DueAt.ShouldBe(Admitted.AddHours(5 + 72));

        var noteId = await Database.ScalarAsync<Guid>($"SELECT id FROM clinical.clinical_notes WHERE fhir_id = '{note}'");
        await Database.ExecuteAsync($"""
            INSERT INTO completion.signatures (id, resource_type, resource_id, patient_id, encounter_id, signer_user_id, practitioner_id, signed_at, method, attestation, sha256, content_description)
            VALUES (gen_random_uuid(), 'DocumentReference', '{noteId}', '{owed.PatientId}', '{owed.EncounterId}', gen_random_uuid(), '{owed.ResponsiblePractitionerId}', now(), 'password', 'I attest', decode(repeat('00', 32), 'hex'), 'text/plain UTF-8 of the note')
            """);
        await AnalysisWorld.RequeueAsync(Database, stay.EncounterFhirId);
        await Stays.AnalyseAsync(Database);
        var resolved = (await AnalysisWorld.DeficienciesAsync(Database, stay.EncounterFhirId)).Single();
        (resolved.Status, resolved.Resolution).ShouldBe((DeficiencyStatuses.Resolved, "satisfied"));
        (await AnalysisWorld.StayAsync(Database, stay.EncounterFhirId))!.Status.ShouldBe(StayStatuses.ReadyToComplete);
    }

    [Fact]
    public async Task A_scanned_discharge_summary_filed_later_through_document_intake_clears_the_missing_summary()
    {
        var npis = await AnalysisWorld.NpisAsync(Database, 1);
        var stay = await AnalysisWorld.StayAsync(Database, Admitted, Admitted.AddDays(2));
        stay.Participant(StayBundle.Practitioner(npis[0]), "ATND");
        stay.Document("34117-2", "History and physical note", Admitted.AddHours(2), StayBundle.Practitioner(npis[0]), authenticated: true, "H&P");
        await Stays.ImportAsync(Database, stay);
        await Stays.AnalyseAsync(Database);
        var missing = (await AnalysisWorld.DeficienciesAsync(Database, stay.EncounterFhirId)).Single(d => d.Key == "discharge-summary");
        missing.Status.ShouldBe(DeficiencyStatuses.Open);
        missing.ResponsiblePractitionerId.ShouldBe(await AnalysisWorld.PractitionerIdAsync(Database, npis[0]));

        // Filed four days after discharge: the document's date (three days before filing) falls within the window.
        await using (var services = Database.Services())
        {
            await FiledDocuments.FileAsync(services, Admitted.AddDays(6), missing.PatientId, null, pages: 1,
                type: new Guid("0d6f2a10-15a1-4c0e-9d01-000000000002"), encounter: missing.EncounterId);
        }

        await Stays.AnalyseAsync(Database);
        var after = (await AnalysisWorld.DeficienciesAsync(Database, stay.EncounterFhirId)).Single(d => d.Key == "discharge-summary");
        (after.Status, after.Resolution).ShouldBe((DeficiencyStatuses.Resolved, "satisfied"));
    }

    [Fact]
    public async Task Manual_and_refused_deficiencies_are_left_alone_and_a_second_analysis_changes_nothing()
    {
        var npis = await AnalysisWorld.NpisAsync(Database, 1);
        var stay = await AnalysisWorld.StayAsync(Database, Admitted, Admitted.AddDays(2));
        stay.Participant(StayBundle.Practitioner(npis[0]), "ATND");
        await Stays.ImportAsync(Database, stay);
        await Stays.AnalyseAsync(Database);
        var encounter = await Stays.EncounterIdAsync(Database, stay.EncounterFhirId);
        var summary = (await AnalysisWorld.DeficienciesAsync(Database, stay.EncounterFhirId)).Single(d => d.Key == "discharge-summary");
        // A refusal (cc-inbox) sends it back to HIM; HIM adds a manual one (cc-him).
        await Database.ExecuteAsync($"UPDATE completion.deficiencies SET responsible_practitioner_id = NULL, refusal_reason = 'not my patient' WHERE id = '{summary.Id}'");
        await Database.ExecuteAsync($"""
            INSERT INTO completion.deficiencies (id, encounter_id, patient_id, key, kind, description, assigned_by_him, status, discharged_at, due_at, created_at)
            VALUES (gen_random_uuid(), '{encounter}', '{summary.PatientId}', 'manual:1', 'manual', 'Illegible signature on page 2', true, 'open', '{Admitted.AddDays(2):O}', '{Admitted.AddDays(9):O}', now())
            """);
        await AnalysisWorld.RequeueAsync(Database, stay.EncounterFhirId);
        await Stays.AnalyseAsync(Database);
        var first = await AnalysisWorld.DeficienciesAsync(Database, stay.EncounterFhirId);
        first.Single(d => d.Key == "discharge-summary").ResponsiblePractitionerId.ShouldBeNull();
        first.Single(d => d.Key == "manual:1").Status.ShouldBe(DeficiencyStatuses.Open);
        (await AnalysisWorld.StayAsync(Database, stay.EncounterFhirId))!.OpenDeficiencies.ShouldBe(first.Count(d => d.Status == DeficiencyStatuses.Open));

        await AnalysisWorld.RequeueAsync(Database, stay.EncounterFhirId);
        await Stays.AnalyseAsync(Database);
        var second = await AnalysisWorld.DeficienciesAsync(Database, stay.EncounterFhirId);
        second.Select(d => (d.Id, d.Version)).ShouldBe(first.Select(d => (d.Id, d.Version)));
    }

    [Fact]
    public async Task A_leave_of_the_responsible_physician_pauses_the_due_date_and_the_delinquency()
    {
        var npis = await AnalysisWorld.NpisAsync(Database, 6);
        var physician = await AnalysisWorld.PractitionerIdAsync(Database, npis[5]);
        await using (var services = Database.Services())
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
            db.PhysicianLeaves.Add(new PhysicianLeave
            {
                Id = Guid.NewGuid(), PractitionerId = physician, From = new DateOnly(2026, 11, 5), Until = new DateOnly(2026, 11, 8),
                Reason = "Conference", RecordedBy = Guid.NewGuid(), RecordedAt = Admitted,
            });
            await db.SaveChangesAsync();
        }

        var stay = await AnalysisWorld.StayAsync(Database, Admitted, Admitted.AddDays(2));
        stay.Participant(StayBundle.Practitioner(npis[5]), "ATND");
        stay.Document("34117-2", "History and physical note", Admitted.AddHours(2), StayBundle.Practitioner(npis[5]), authenticated: true, "H&P");
        await Stays.ImportAsync(Database, stay);
        var clock = new TestClock();
        clock.Set(Admitted.AddDays(2).AddHours(1));
        await Stays.AnalyseAsync(Database, clock);

        // Owed from 4 Nov (created) to 11 Nov (discharge + 168 h): 5–8 Nov are leave, four days later.
        var summary = (await AnalysisWorld.DeficienciesAsync(Database, stay.EncounterFhirId)).Single(d => d.Key == "discharge-summary");
        summary.DueAt.ShouldBe(Admitted.AddDays(2).AddHours(168).AddDays(4));
        (await AnalysisWorld.StayAsync(Database, stay.EncounterFhirId))!.DelinquentAt.ShouldBe(Admitted.AddDays(32 + 4));
    }

    [Fact]
    public async Task Stays_discharged_before_the_go_live_are_not_analysed()
    {
        var stay = await AnalysisWorld.StayAsync(Database, new DateTimeOffset(2025, 12, 1, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 12, 3, 8, 0, 0, TimeSpan.Zero));
        await Stays.ImportAsync(Database, stay);
        await Stays.AnalyseAsync(Database);
        (await AnalysisWorld.StayAsync(Database, stay.EncounterFhirId)).ShouldBeNull();
        (await Database.ScalarAsync<long>($"SELECT count(*) FROM completion.analysis_queue")).ShouldBe(0);
    }
}
