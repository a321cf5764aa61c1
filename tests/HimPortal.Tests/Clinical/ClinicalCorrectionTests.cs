using System.Text.Json;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity.LabelItem;
using HimPortal.Application.Charts.GetChart;
using HimPortal.Application.Charts.GetEncounter;
using HimPortal.Application.Clinical;
using HimPortal.Application.Clinical.CorrectRecord;
using HimPortal.Application.Clinical.Corrections;
using HimPortal.Application.Clinical.UndoCorrection;
using HimPortal.Application.Common;
using HimPortal.Application.Patients.SearchPatients;
using HimPortal.Data;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HimPortal.Tests.Clinical;

/// <summary>The shared Synthea patients these tests correct between: each test leaves the record as it found it, undone.</summary>
public sealed class CorrectionDatabase : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await ClinicalData.ImportAsync(Database, ClinicalData.Smallest, ClinicalData.Cortes, ClinicalData.Largest, ClinicalData.WithImaging,
            ClinicalData.OneVisitPractitioner);
    }

    public Task DisposeAsync() => Database.DisposeAsync();
}

/// <summary>
/// Corrections between patients through their handlers, on the real database (ADR 0015): the writer moves a misfiled
/// encounter with what refers to it, the charts follow at once (not served stale from the kept chart), nothing is
/// deleted, both patients' audit rows are written, every refusal writes nothing, and an undo restores both charts exactly.
/// </summary>
public sealed class ClinicalCorrectionTests(CorrectionDatabase data) : IClassFixture<CorrectionDatabase>
{
    /// <summary>Cortés's well visit of 2014-08-02: 21 results, a procedure, an immunization, 3 reports, a note.</summary>
    private const string CortesVisit = "3671da8b-53ae-0420-1cdf-0670ab1a9416";

    /// <summary>O'Hara's visit of 2021-05-08: 9 results, a procedure, an immunization, a report, a note.</summary>
    private const string SmallestVisit = "41560e10-3baa-ae23-ab71-dada29f1b66a";

    /// <summary>A visit of the largest record whose prescription names, as its reason, a condition diagnosed at another visit.</summary>
    private const string LargestVisitWithOlderReason = "79aaf623-38e9-a0e3-a421-f13f61620fe8";
    private const string LargestPrescription = "5692a3a8-7645-e90f-242c-89d41694ba9a";
    private const string LargestOlderCondition = "207febb0-d6ed-1763-276e-11fc5d26b4ca";

    /// <summary>O'Hara's last visit, 2021-07-10; the one before it is <see cref="SmallestVisit"/>.</summary>
    private const string SmallestLastVisit = "4a8d5530-ccd8-4cb5-7f1a-873cabd24cb7";

    /// <summary>Schowalter's visit of 2014-02-05, the only one of one of her practitioners.</summary>
    private const string OneVisit = "cf7d59e8-c3c2-4214-df0f-0ea429f74a3a";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    private TestDatabase Db => data.Database;

    private sealed record Session(ServiceProvider Services, Persona Persona) : IAsyncDisposable
    {
        public async Task<T> RunAsync<T>(Func<IServiceProvider, Task<T>> work)
        {
            await using var scope = Services.CreateAsyncScope();
            return await work(scope.ServiceProvider);
        }

        public Task<ChartRead<ChartView>> ChartAsync(Guid patientId) =>
            RunAsync(s => s.GetRequiredService<GetChartHandler>().HandleAsync(new GetChartQuery(patientId), CancellationToken.None));

        public Task<ChartRead<EncounterView>> EncounterAsync(Guid patientId, Guid encounterId) =>
            RunAsync(s => s.GetRequiredService<GetEncounterHandler>().HandleAsync(new GetEncounterQuery(patientId, encounterId), CancellationToken.None));

        public Task<Result<CorrectionWritten>> CorrectAsync(CorrectRecordCommand command) =>
            RunAsync(s => s.GetRequiredService<CorrectRecordHandler>().HandleAsync(command, CancellationToken.None));

        public Task<Result<CorrectionWritten>> UndoAsync(Guid correctionId, string reason = "Registration confirmed the first patient after all") =>
            RunAsync(s => s.GetRequiredService<UndoCorrectionHandler>().HandleAsync(new UndoCorrectionCommand(correctionId, reason), CancellationToken.None));

        public Task<IReadOnlyList<RecordItem>> ItemsOfEncounterAsync(Guid patientId, Guid encounterId) =>
            RunAsync(s => ClinicalRecordWriter.ItemsOfEncounterAsync(s.GetRequiredService<HimDbContext>(), patientId, encounterId, CancellationToken.None));

        public async ValueTask DisposeAsync() => await Services.DisposeAsync();
    }

    private async Task<Session> SignInAsync(string role, string? npi = null)
    {
        await using var setup = Db.Services();
        var persona = await Personas.CreateAsync(setup, role, npi: npi);
        var actor = new TestActor();
        actor.ActAs(persona.Id, persona.Email, role);
        return new Session(Db.Services(actor), persona);
    }

    /// <summary>A physician assigned (by HIM staff) to every one of <paramref name="patients"/>, so each chart opens in full.</summary>
    private async Task<Session> PhysicianOfAsync(params Guid[] patients)
    {
        var physician = await SignInAsync(Roles.Physician);
        foreach (var patient in patients)
        {
            await Db.ExecuteAsync($"""
                INSERT INTO access.treatment_assignments (id, patient_id, user_id, reason, assigned_at)
                VALUES ('{Guid.CreateVersion7()}', '{patient}', '{physician.Persona.Id}', 'consult', now())
                """);
        }

        return physician;
    }

    private static CorrectRecordCommand Move(Guid from, Guid to, IReadOnlyList<RecordItem> items, long version) =>
        new(from, to, items, "Misfiled visit: the registration desk chose the wrong patient", "misfile incident 2026-114", version);

    private Task<long> VersionAsync(Guid patient) =>
        Db.ScalarAsync<long>($"SELECT coalesce((SELECT version FROM clinical.record_versions WHERE record_id = '{patient}'), 0)");

    /// <summary>Everything a correction writes, counted: a refusal must leave it all as it was.</summary>
    private Task<string> WrittenAsync() => Db.ScalarAsync<string>("""
        SELECT concat_ws(' ',
            (SELECT count(*) FROM clinical.corrections), (SELECT count(*) FROM clinical.correction_items),
            (SELECT count(*) FROM clinical.entered_in_error), (SELECT count(*) FROM clinical.entered_in_error WHERE cleared_at IS NULL),
            (SELECT count(*) FROM clinical.encounters), (SELECT count(*) FROM clinical.encounter_participants),
            (SELECT count(*) FROM clinical.observations), (SELECT count(*) FROM clinical.observation_components),
            (SELECT count(*) FROM clinical.diagnostic_reports), (SELECT count(*) FROM clinical.diagnostic_report_results),
            (SELECT count(*) FROM clinical.clinical_notes), (SELECT count(*) FROM clinical.procedures),
            (SELECT count(*) FROM clinical.immunizations), (SELECT count(*) FROM clinical.medication_requests),
            (SELECT count(*) FROM clinical.conditions), (SELECT sum(version) FROM clinical.record_versions),
            (SELECT count(*) FROM audit.access_events WHERE resource_type = 'Correction'),
            (SELECT count(*) FROM access.item_sensitivity_labels))
        """);

    private static string Snapshot(ChartView chart) => JsonSerializer.Serialize(chart, Json);

    [Fact]
    public async Task A_misfiled_encounter_moves_with_its_results_notes_and_procedures_and_an_undo_restores_both_charts_exactly()
    {
        var a = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        var b = await ClinicalData.PatientIdAsync(Db, ClinicalData.WithImaging);
        var encounter = ClinicalKeys.For("Encounter", CortesVisit);
        await using var physician = await PhysicianOfAsync(a, b);
        await using var clerk = await SignInAsync(Roles.HimClerk);

        var aBefore = await physician.ChartAsync(a);
        var bBefore = await physician.ChartAsync(b);
        aBefore.Status.ShouldBe(ChartReadStatus.Shown);
        bBefore.Status.ShouldBe(ChartReadStatus.Shown);
        // A second view is the kept chart (ADR 0011): the one that must not be served once the record has changed.
        Snapshot((await physician.ChartAsync(a)).Content!).ShouldBe(Snapshot(aBefore.Content!));
        var visit = aBefore.Content!.Encounters.Single(e => e.Id == encounter);
        var results = aBefore.Content.Observations.All.Where(o => o.EncounterId == encounter).ToList();
        results.Count.ShouldBe(21);
        visit.Notes.ShouldBe(1);
        visit.Procedures.ShouldBe(1);
        var note = aBefore.Content.Documents.Single(d => d.EncounterId == encounter);

        var items = await clerk.ItemsOfEncounterAsync(a, encounter);
        items.GroupBy(i => i.ResourceType).ToDictionary(g => g.Key, g => g.Count()).ShouldBe(new Dictionary<string, int>
        {
            ["Encounter"] = 1, ["Observation"] = 21, ["Procedure"] = 1, ["Immunization"] = 1, ["DiagnosticReport"] = 3, ["DocumentReference"] = 1,
        }, ignoreOrder: true);
        // The note is labelled sensitive: its copy must be too.
        var labelled = await clerk.RunAsync(s => s.GetRequiredService<LabelItemHandler>().HandleAsync(
            new LabelItemCommand(a, "DocumentReference", note.Id, "PSYTHPN", "psychotherapy content"), CancellationToken.None));
        labelled.IsSuccess.ShouldBeTrue(labelled.Error?.Message);
        var (aVersion, bVersion) = (await VersionAsync(a), await VersionAsync(b));
        // The clerk's own view of the chart gives the version the correction is checked against.
        var version = (await clerk.ChartAsync(a)).Entry!.Version.Record;
        version.ShouldBe(aVersion);

        var moved = await clerk.CorrectAsync(Move(a, b, items, version));

        moved.IsSuccess.ShouldBeTrue(moved.Error?.Message);
        var correction = moved.Value!;
        correction.Items.Count.ShouldBe(28);
        var copyOf = correction.Items.ToDictionary(i => i.OriginalId);
        var encounterCopy = copyOf[encounter];
        (await VersionAsync(a)).ShouldBeGreaterThan(aVersion);
        (await VersionAsync(b)).ShouldBeGreaterThan(bVersion);

        // The first chart (kept before) no longer shows the visit or anything of it.
        var aAfter = (await physician.ChartAsync(a)).Content!;
        aAfter.Encounters.Count.ShouldBe(aBefore.Content.Encounters.Count - 1);
        aAfter.Encounters.ShouldNotContain(e => e.Id == encounter);
        aAfter.Observations.All.Count.ShouldBe(aBefore.Content.Observations.All.Count - 21);
        aAfter.Observations.All.ShouldNotContain(o => o.EncounterId == encounter);
        aAfter.Documents.Count.ShouldBe(aBefore.Content.Documents.Count - 1);
        aAfter.Procedures.Count.ShouldBe(aBefore.Content.Procedures.Count - 1);
        aAfter.Immunizations.Count.ShouldBe(aBefore.Content.Immunizations.Count - 1);
        (await physician.EncounterAsync(a, encounter)).Status.ShouldBe(ChartReadStatus.NotFound);

        // The second chart shows it, the same visit with the same values, under new keys.
        var bAfter = (await physician.ChartAsync(b)).Content!;
        bAfter.Encounters.Count.ShouldBe(bBefore.Content!.Encounters.Count + 1);
        var copied = bAfter.Encounters.Single(e => e.Id == encounterCopy.CopyId);
        (copied.Start, copied.End, copied.Class, copied.Type, copied.Provider).ShouldBe((visit.Start, visit.End, visit.Class, visit.Type, visit.Provider));
        (copied.Results, copied.Notes, copied.Procedures).ShouldBe((21, 1, 1));
        bAfter.Observations.All.Count.ShouldBe(bBefore.Content.Observations.All.Count + 21);
        bAfter.Observations.All.Where(o => o.EncounterId == encounterCopy.CopyId)
            .Select(o => (o.Code, o.EffectiveAt, o.Value, o.Unit, o.ValueText, o.Flag)).OrderBy(o => o.ToString(), StringComparer.Ordinal)
            .ShouldBe(results.Select(o => (o.Code, o.EffectiveAt, o.Value, o.Unit, o.ValueText, o.Flag)).OrderBy(o => o.ToString(), StringComparer.Ordinal));
        bAfter.Documents.Count.ShouldBe(bBefore.Content.Documents.Count + 1);
        bAfter.Procedures.Count.ShouldBe(bBefore.Content.Procedures.Count + 1);
        var opened = await physician.EncounterAsync(b, encounterCopy.CopyId);
        opened.Status.ShouldBe(ChartReadStatus.Shown);
        opened.Content!.Results.All.Count.ShouldBe(21);
        opened.Content.Notes.Single().Text.ShouldBe(await Db.ScalarAsync<string>($"SELECT text FROM clinical.clinical_notes WHERE id = '{note.Id}'"));

        // Both patients' audit rows, each naming the other, by the clerk.
        var audit = await Db.ScalarAsync<string>($"""
            SELECT string_agg(patient_id || ' ' || action || ' ' || details, E'\n' ORDER BY patient_id) FROM audit.access_events
            WHERE resource_type = 'Correction' AND resource_id = '{correction.CorrectionId}' AND user_id = '{clerk.Persona.Id}'
            """);
        var rows = audit.Split('\n');
        rows.Length.ShouldBe(2);
        rows.ShouldContain(r => r.StartsWith(a.ToString(), StringComparison.Ordinal) && r.Contains($"moved to patient {b}", StringComparison.Ordinal));
        rows.ShouldContain(r => r.StartsWith(b.ToString(), StringComparison.Ordinal) && r.Contains($"moved from patient {a}", StringComparison.Ordinal));
        rows.ShouldAllBe(r => r.Contains(" update ", StringComparison.Ordinal) && r.Contains("Observation:21", StringComparison.Ordinal)
                              && r.Contains("misfile incident 2026-114", StringComparison.Ordinal));

        // Nothing deleted or re-pointed: the originals are still the first patient's, marked entered-in-error.
        var originals = string.Join(",", correction.Items.Select(i => $"'{i.OriginalId}'"));
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM clinical.observations WHERE id IN ({originals}) AND patient_id = '{a}'")).ShouldBe(21);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM clinical.encounters WHERE id = '{encounter}' AND patient_id = '{a}'")).ShouldBe(1);
        (await Db.ScalarAsync<long>($"""
            SELECT count(*) FROM clinical.entered_in_error WHERE resource_id IN ({originals}) AND cleared_at IS NULL AND kind = 'moved'
            AND patient_id = '{a}' AND correction_id = '{correction.CorrectionId}'
            """)).ShouldBe(28);
        (await Db.ScalarAsync<string>($"SELECT concat_ws('|', source, reason, corrected_by_user_id, from_patient_id, to_patient_id) FROM clinical.corrections WHERE id = '{correction.CorrectionId}'"))
            .ShouldBe($"misfile incident 2026-114|Misfiled visit: the registration desk chose the wrong patient|{clerk.Persona.Id}|{a}|{b}");

        // The copies name the second patient (and its name, not the first's), the copied visit, and their own new ids; hashes are of what is stored.
        var bFhirId = ClinicalData.WithImaging;
        var copies = string.Join(",", correction.Items.Select(i => $"'{i.CopyId}'"));
        (await Db.ScalarAsync<long>($$"""
            SELECT count(*) FROM clinical.observations o
            WHERE o.id IN ({{copies}}) AND o.patient_id = '{{b}}' AND o.encounter_id = '{{encounterCopy.CopyId}}'
              AND strpos(o.resource::text, '"subject":{"reference":"urn:uuid:{{bFhirId}}"}') > 0
              AND strpos(o.resource::text, '"encounter":{"reference":"urn:uuid:{{encounterCopy.CopyFhirId}}"}') > 0
              AND strpos(o.resource::text, '"id":"' || o.fhir_id || '"') > 0
              AND strpos(o.resource::text, '{{ClinicalData.Cortes}}') = 0 AND strpos(o.resource::text, '{{CortesVisit}}') = 0
              AND o.source_hash = sha256(convert_to(o.resource::text, 'UTF8'))
            """)).ShouldBe(21);
        var visitJson = await Db.ScalarAsync<string>($"SELECT resource::text FROM clinical.encounters WHERE id = '{encounterCopy.CopyId}'");
        visitJson.ShouldContain($"\"subject\":{{\"reference\":\"urn:uuid:{bFhirId}\",\"display\":\"");
        visitJson.ShouldNotContain("Cortés936");
        (await Db.ScalarAsync<long>($"""
            SELECT count(*) FROM clinical.diagnostic_report_results r JOIN clinical.diagnostic_reports d ON d.id = r.parent_id
            WHERE d.id IN ({copies}) AND r.observation_id IN ({copies})
            """)).ShouldBeGreaterThan(0);
        (await Db.ScalarAsync<string>($"SELECT label_code FROM access.item_sensitivity_labels WHERE resource_id = '{copyOf[note.Id].CopyId}' AND patient_id = '{b}' AND removed_at IS NULL"))
            .ShouldBe("PSYTHPN");

        var undone = await clerk.UndoAsync(correction.CorrectionId);

        undone.IsSuccess.ShouldBeTrue(undone.Error?.Message);
        Snapshot((await physician.ChartAsync(a)).Content!).ShouldBe(Snapshot(aBefore.Content));
        Snapshot((await physician.ChartAsync(b)).Content!).ShouldBe(Snapshot(bBefore.Content));
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM clinical.entered_in_error WHERE resource_id IN ({originals}) AND cleared_at IS NOT NULL")).ShouldBe(28);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM clinical.entered_in_error WHERE resource_id IN ({copies}) AND cleared_at IS NULL AND kind = 'undone' AND patient_id = '{b}'"))
            .ShouldBe(28);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE resource_type = 'Correction' AND resource_id = '{correction.CorrectionId}'")).ShouldBe(4);

        var written = await WrittenAsync();
        var again = await clerk.UndoAsync(correction.CorrectionId);
        again.Error!.Code.ShouldBe("already-undone");
        again.Error.Kind.ShouldBe(ErrorKind.Conflict);
        (await WrittenAsync()).ShouldBe(written);
    }

    [Fact]
    public async Task Every_refusal_names_what_is_wrong_and_writes_nothing()
    {
        var a = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        var b = await ClinicalData.PatientIdAsync(Db, ClinicalData.Largest);
        var encounter = ClinicalKeys.For("Encounter", SmallestVisit);
        await using var clerk = await SignInAsync(Roles.HimClerk);
        var items = await clerk.ItemsOfEncounterAsync(a, encounter);
        items.Count.ShouldBe(14);
        var observation = items.First(i => i.ResourceType == "Observation");
        var version = await VersionAsync(a);
        var before = await WrittenAsync();

        async Task<Error> RefusedAsync(CorrectRecordCommand command)
        {
            var result = await clerk.CorrectAsync(command);
            result.IsSuccess.ShouldBeFalse();
            (await WrittenAsync()).ShouldBe(before, result.Error!.Message);
            return result.Error;
        }

        (await RefusedAsync(Move(a, a, items, version))).Message.ShouldBe(CorrectionErrors.SamePatient.Message);
        (await RefusedAsync(Move(a, Guid.NewGuid(), items, version))).ShouldBe(CorrectionErrors.NoSuchPatient);
        (await RefusedAsync(Move(a, b, [new RecordItem("Patient", a)], version))).Code.ShouldBe("not-movable");

        var stranger = new RecordItem("Observation", await Db.ScalarAsync<Guid>($"SELECT id FROM clinical.observations WHERE patient_id = '{b}' LIMIT 1"));
        var notHis = await RefusedAsync(Move(a, b, [.. items, stranger], version));
        (notHis.Code, notHis.Message).ShouldBe(("not-the-patients", $"{stranger} is not an item of this patient's record."));

        // A result moved without its visit, and the visit without its results: each names both.
        var forward = await RefusedAsync(Move(a, b, [observation], version));
        (forward.Code, forward.Message).ShouldBe(("left-behind", $"{observation} refers to Encounter {encounter:D}, which is not moved: move them together, or neither."));
        var reverse = await RefusedAsync(Move(a, b, [new RecordItem("Encounter", encounter)], version));
        reverse.Code.ShouldBe("left-behind");
        reverse.Message.ShouldEndWith($", which is not moved, refers to Encounter {encounter:D}: move them together, or neither.");

        // A reference held only in the JSON: the prescription's reason is a condition from an earlier visit.
        var largest = b;
        var largestVisit = await clerk.ItemsOfEncounterAsync(largest, ClinicalKeys.For("Encounter", LargestVisitWithOlderReason));
        var json = await RefusedAsync(Move(largest, a, largestVisit, await VersionAsync(largest)));
        (json.Code, json.Message).ShouldBe(("left-behind",
            $"MedicationRequest {ClinicalKeys.For("MedicationRequest", LargestPrescription):D} refers to Condition {ClinicalKeys.For("Condition", LargestOlderCondition):D}, which is not moved: move them together, or neither."));

        // The record changed since the clerk looked at it.
        var stale = await RefusedAsync(Move(a, b, items, version - 1));
        stale.ShouldBe(CorrectionErrors.RecordChanged);

        // The writer itself refuses the same patient twice (the handler's validator says it first).
        await using (var scope = clerk.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
            var same = await db.InTransactionAsync(token => ClinicalRecordWriter.CorrectAsync(db,
                new CorrectionRequest(a, a, items, "a reason long enough", "test", new Corrector(null, "test"), DateTimeOffset.UtcNow, null), token), CancellationToken.None);
            same.Error.ShouldBe(CorrectionErrors.SamePatient);
        }

        // Items already entered-in-error (moved by a correction) cannot be moved again; the undo puts them back.
        var first = await clerk.CorrectAsync(Move(a, b, items, version));
        first.IsSuccess.ShouldBeTrue(first.Error?.Message);
        before = await WrittenAsync();
        var twice = await RefusedAsync(Move(a, b, items, await VersionAsync(a)));
        (twice.Code, twice.Kind).ShouldBe(("entered-in-error", ErrorKind.Conflict));
        (await clerk.UndoAsync(first.Value!.CorrectionId)).IsSuccess.ShouldBeTrue();
    }

    [Fact]
    public async Task A_physician_who_treated_the_patient_only_at_the_moved_encounter_has_no_relationship_through_it_any_more()
    {
        var a = await ClinicalData.PatientIdAsync(Db, ClinicalData.OneVisitPractitioner);
        var b = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        var encounter = ClinicalKeys.For("Encounter", OneVisit);
        var npi = await Db.ScalarAsync<string>($"""
            SELECT pr.npi FROM clinical.encounter_participants ep JOIN clinical.practitioners pr ON pr.id = ep.practitioner_id
            WHERE ep.parent_id = '{encounter}'
              AND NOT EXISTS (SELECT FROM clinical.encounter_participants o WHERE o.practitioner_id = pr.id AND o.patient_id IN ('{a}', '{b}') AND o.parent_id <> '{encounter}')
              AND NOT EXISTS (SELECT FROM clinical.care_team_members m WHERE m.practitioner_id = pr.id AND m.patient_id IN ('{a}', '{b}'))
              AND NOT EXISTS (SELECT FROM identity.users u WHERE u.practitioner_npi = pr.npi)
            LIMIT 1
            """);
        await using var physician = await SignInAsync(Roles.Physician, npi);
        await using var clerk = await SignInAsync(Roles.HimClerk);
        var treated = await physician.ChartAsync(a);
        treated.Status.ShouldBe(ChartReadStatus.Shown);
        treated.Entry!.Access.Basis.ShouldBe(ChartAccessBasis.TreatmentRelationship);
        (await physician.ChartAsync(b)).Status.ShouldBe(ChartReadStatus.BreakGlassRequired);

        var moved = await clerk.CorrectAsync(Move(a, b, await clerk.ItemsOfEncounterAsync(a, encounter), await VersionAsync(a)));
        moved.IsSuccess.ShouldBeTrue(moved.Error?.Message);

        // The visit was the other patient's: that is whom the physician treated.
        (await physician.ChartAsync(a)).Status.ShouldBe(ChartReadStatus.BreakGlassRequired);
        var now = await physician.ChartAsync(b);
        now.Status.ShouldBe(ChartReadStatus.Shown);
        now.Entry!.Access.Basis.ShouldBe(ChartAccessBasis.TreatmentRelationship);

        (await clerk.UndoAsync(moved.Value!.CorrectionId)).IsSuccess.ShouldBeTrue();
        (await physician.ChartAsync(a)).Entry!.Access.Basis.ShouldBe(ChartAccessBasis.TreatmentRelationship);
        (await physician.ChartAsync(b)).Status.ShouldBe(ChartReadStatus.BreakGlassRequired);
    }

    [Fact]
    public async Task Two_clerks_moving_the_same_visit_at_once_one_moves_it_and_the_other_is_refused()
    {
        var a = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        var b = await ClinicalData.PatientIdAsync(Db, ClinicalData.WithImaging);
        await using var first = await SignInAsync(Roles.HimClerk);
        await using var second = await SignInAsync(Roles.HimManager);
        var items = await first.ItemsOfEncounterAsync(a, ClinicalKeys.For("Encounter", SmallestVisit));
        var version = await VersionAsync(a);

        var results = await Task.WhenAll(first.CorrectAsync(Move(a, b, items, version)), second.CorrectAsync(Move(a, b, items, version)));

        var won = results.Single(r => r.IsSuccess);
        results.Single(r => !r.IsSuccess).Error!.Kind.ShouldBe(ErrorKind.Conflict);
        (await Db.ScalarAsync<long>("SELECT count(*) FROM clinical.corrections WHERE undone_at IS NULL")).ShouldBe(1);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM clinical.observations WHERE patient_id = '{b}' AND encounter_id = '{won.Value!.Items.Single(i => i.ResourceType == "Encounter").CopyId}'"))
            .ShouldBe(9, "one copy of each result, not two");
        (await first.UndoAsync(won.Value.CorrectionId)).IsSuccess.ShouldBeTrue();
    }

    [Fact]
    public async Task Patient_search_gives_the_last_visit_in_force()
    {
        var a = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        var b = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        await using var clerk = await SignInAsync(Roles.HimClerk);
        var mrn = await Db.ScalarAsync<string>($"SELECT mrn FROM clinical.patients WHERE id = '{a}'");
        Task<DateTimeOffset?> LastVisitAsync() => clerk.RunAsync(async s => (await s.GetRequiredService<SearchPatientsHandler>()
            .HandleAsync(new SearchPatientsQuery(null, mrn, null), CancellationToken.None)).Value!.Patients.Single().LastVisit);
        var last = await Db.ScalarAsync<DateTime>($"SELECT period_start FROM clinical.encounters WHERE id = '{ClinicalKeys.For("Encounter", SmallestLastVisit)}'");
        var before = await Db.ScalarAsync<DateTime>($"SELECT period_start FROM clinical.encounters WHERE id = '{ClinicalKeys.For("Encounter", SmallestVisit)}'");
        (await LastVisitAsync()).ShouldBe(new DateTimeOffset(last));

        var moved = await clerk.CorrectAsync(Move(a, b, await clerk.ItemsOfEncounterAsync(a, ClinicalKeys.For("Encounter", SmallestLastVisit)), await VersionAsync(a)));
        moved.IsSuccess.ShouldBeTrue(moved.Error?.Message);
        (await LastVisitAsync()).ShouldBe(new DateTimeOffset(before));

        (await clerk.UndoAsync(moved.Value!.CorrectionId)).IsSuccess.ShouldBeTrue();
        (await LastVisitAsync()).ShouldBe(new DateTimeOffset(last));
    }

    [Fact]
    public async Task Only_HIM_staff_correct_the_record_and_a_correction_needs_its_reason_and_source()
    {
        var a = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        var b = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        RolePermissions.For(Roles.HimManager).ShouldContain(Permissions.RecordsCorrect);
        RolePermissions.For(Roles.HimClerk).ShouldContain(Permissions.RecordsCorrect);
        RolePermissions.For(Roles.Physician).ShouldNotContain(Permissions.RecordsCorrect);
        RolePermissions.For(Roles.Administrator).ShouldNotContain(Permissions.RecordsCorrect);

        await using var clerk = await SignInAsync(Roles.HimClerk);
        var items = await clerk.ItemsOfEncounterAsync(a, ClinicalKeys.For("Encounter", SmallestVisit));
        var version = await VersionAsync(a);
        var before = await WrittenAsync();

        await using var physician = await SignInAsync(Roles.Physician);
        var forbidden = await physician.CorrectAsync(Move(a, b, items, version));
        forbidden.Error!.Kind.ShouldBe(ErrorKind.Forbidden);
        (await Db.ScalarAsync<string>($"SELECT purpose FROM audit.access_events WHERE user_id = '{physician.Persona.Id}' AND patient_id = '{a}' AND outcome = 'denied'"))
            .ShouldBe("not permitted: Records.Correct");
        (await physician.UndoAsync(Guid.NewGuid())).Error!.Kind.ShouldBe(ErrorKind.Forbidden);

        (await clerk.CorrectAsync(Move(a, b, items, version) with { Reason = "misfiled" })).Error!.Message
            .ShouldBe("Explain the correction in 10 to 1000 characters (it stays with the record).");
        (await clerk.CorrectAsync(Move(a, b, items, version) with { Reason = new string('x', 1001) })).Error!.Field.ShouldBe("Reason");
        (await clerk.CorrectAsync(Move(a, b, items, version) with { Source = " " })).Error!.Field.ShouldBe("Source");
        (await clerk.CorrectAsync(Move(a, b, [], version))).Error!.Field.ShouldBe("Items");
        (await clerk.UndoAsync(Guid.NewGuid(), "too short")).Error!.Field.ShouldBe("Reason");
        (await clerk.UndoAsync(Guid.NewGuid())).Error.ShouldBe(CorrectionErrors.NoSuchCorrection);
        (await WrittenAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task The_correction_tables_refuse_dangling_items_and_removal_like_the_rest_of_the_record()
    {
        var error = await Should.ThrowAsync<PostgresException>(() => Db.ExecuteAsync($"""
            INSERT INTO clinical.corrections (id, from_patient_id, to_patient_id, reason, source, corrected_by_name, corrected_at)
            SELECT '{Guid.CreateVersion7()}', p.id, gen_random_uuid(), 'reason', 'source', 'x', now() FROM clinical.patients p LIMIT 1
            """, Db.AppConnectionString));
        (error.SqlState, error.ColumnName).ShouldBe((PostgresErrorCodes.ForeignKeyViolation, "to_patient_id"));

        var item = await Should.ThrowAsync<PostgresException>(() => Db.ExecuteAsync($"""
            INSERT INTO clinical.entered_in_error (resource_id, correction_id, resource_type, patient_id, kind, marked_at)
            SELECT o.id, gen_random_uuid(), 'Encounter', o.patient_id, 'moved', now() FROM clinical.observations o LIMIT 1
            """, Db.AppConnectionString));
        item.SqlState.ShouldBe(PostgresErrorCodes.ForeignKeyViolation);

        foreach (var sql in new[] { "DELETE FROM clinical.corrections", "DELETE FROM clinical.entered_in_error", "TRUNCATE clinical.correction_items" })
        {
            (await Should.ThrowAsync<PostgresException>(() => Db.ExecuteAsync(sql, Db.OwnerConnectionString))).SqlState.ShouldBe(PostgresErrorCodes.RestrictViolation);
        }
    }
}
