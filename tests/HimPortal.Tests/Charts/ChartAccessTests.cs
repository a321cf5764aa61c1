using HimPortal.Application.Access.Identity;
using HimPortal.Application.Administration.Users.CreateUser;
using HimPortal.Application.Administration.Users;
using HimPortal.Application.Audit;
using System.Text.Json;
using System.Text.Json.Nodes;
using HimPortal.Application.Access;
using HimPortal.Application.Access.BreakGlass;
using HimPortal.Application.Charts.GetChart;
using HimPortal.Application.Charts.GetEncounter;
using HimPortal.Application.Charts.ReadNote;
using HimPortal.Application.Common;
using HimPortal.Application.Intake.ImportBundles;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Charts;

/// <summary>
/// The chart through its handlers, on real imported Synthea patients: who gets in on what basis, what each role sees,
/// that every view and refusal is audited in the read's transaction, and that the record is shown whole.
/// </summary>
public sealed class ChartAccessTests(ChartDatabase charts) : IClassFixture<ChartDatabase>
{
    private TestDatabase Db => charts.Database;

    private sealed record Session(ServiceProvider Services, Persona Persona, TestClock Clock) : IAsyncDisposable
    {
        public async Task<T> RunAsync<T>(Func<IServiceProvider, Task<T>> work)
        {
            await using var scope = Services.CreateAsyncScope();
            return await work(scope.ServiceProvider);
        }

        public Task<ChartRead<ChartView>> ChartAsync(Guid patientId, EncounterFilter? filter = null) =>
            RunAsync(s => s.GetRequiredService<GetChartHandler>().HandleAsync(new GetChartQuery(patientId, filter), CancellationToken.None));

        public async ValueTask DisposeAsync() => await Services.DisposeAsync();
    }

    private async Task<Session> SignInAsync(string role, string? npi = null)
    {
        await using var setup = Db.Services();
        var persona = await Personas.CreateAsync(setup, role, npi: npi);
        var actor = new TestActor();
        actor.ActAs(persona.Id, persona.Email, role);
        var clock = new TestClock();
        return new Session(Db.Services(actor, clock), persona, clock);
    }

    [Fact]
    public async Task The_gate_opens_a_patients_own_record_for_them_and_no_one_elses()
    {
        var own = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        var other = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        var mrn = await Db.ScalarAsync<string>($"SELECT mrn FROM clinical.patients WHERE id = '{own}'");
        await using var setup = Db.Services();
        Persona patient;
        await using (var scope = setup.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<ActorScope>().RunAs(Personas.ConsoleOperator);
            var created = await scope.ServiceProvider.GetRequiredService<CreateUserHandler>().HandleAsync(new CreateUserCommand(
                $"patient.{Guid.NewGuid():N}@test.himportal.example", "Test Patient", [Roles.Patient], null, PasswordGenerator.Generate(),
                new UserProfile(null, null, null, null, null, null, mrn)), CancellationToken.None);
            patient = new Persona(created.Value!.Id, created.Value.Email, "", Roles.Patient);
        }

        var actor = new TestActor();
        actor.ActAs(patient.Id, patient.Email, Roles.Patient);
        await using var services = Db.Services(actor);
        async Task<ChartAccessDecision> OpenAsync(Guid patientId)
        {
            await using var scope = services.CreateAsyncScope();
            return (await scope.ServiceProvider.GetRequiredService<ChartGate>().OpenAsync(patientId, AccessIntent.PatientSelf, CancellationToken.None))!.Access;
        }

        (await OpenAsync(own)).Basis.ShouldBe(ChartAccessBasis.PatientSelf);
        (await OpenAsync(other)).Outcome.ShouldBe(ChartAccessOutcome.Denied);
    }

    [Fact]
    public async Task A_physician_who_treated_the_patient_sees_the_whole_record_with_counts_that_match_the_bundle()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Largest);
        await using var physician = await SignInAsync(Roles.Physician, await ClinicalData.TreatingNpiAsync(Db, patientId));

        var read = await physician.ChartAsync(patientId);

        read.Status.ShouldBe(ChartReadStatus.Shown);
        read.Entry!.Access.Basis.ShouldBe(ChartAccessBasis.TreatmentRelationship);
        var chart = read.Content!;
        var bundle = BundleCounts(ClinicalData.Largest);
        chart.Encounters.Count.ShouldBe(bundle.Types["Encounter"]);
        chart.Encounters.Count.ShouldBe(106);
        chart.Documents.Count.ShouldBe(bundle.Types["DocumentReference"]);
        chart.Problems.Count.ShouldBe(bundle.Types.GetValueOrDefault("Condition"));
        chart.Procedures.Count.ShouldBe(bundle.Types.GetValueOrDefault("Procedure"));
        chart.Immunizations.Count.ShouldBe(bundle.Types.GetValueOrDefault("Immunization"));
        chart.Medications.Count.ShouldBe(bundle.Types.GetValueOrDefault("MedicationRequest"));
        // Orders that refer to a Medication resource are named by it.
        chart.Medications.ShouldAllBe(m => !string.IsNullOrWhiteSpace(m.Display));
        chart.Allergies.Count.ShouldBe(bundle.Types.GetValueOrDefault("AllergyIntolerance"));
        chart.Imaging.Count.ShouldBe(bundle.Types.GetValueOrDefault("ImagingStudy"));
        chart.Observations.All.Count.ShouldBe(865);
        chart.Observations.LabResultCount.ShouldBe(bundle.ObservationCategories["laboratory"]);
        chart.Observations.VitalSignCount.ShouldBe(bundle.ObservationCategories["vital-signs"]);
        chart.Observations.Other.Count.ShouldBe(865 - bundle.ObservationCategories["laboratory"] - bundle.ObservationCategories["vital-signs"]);
        chart.Observations.LabResults.Sum(s => s.Results.Count).ShouldBe(chart.Observations.LabResultCount);
        // Every encounter's results add up to the observations that name an encounter.
        chart.Encounters.Sum(e => e.Results).ShouldBe(chart.Observations.All.Count(o => o.EncounterId is not null));
        chart.Encounters.Sum(e => e.Notes).ShouldBe(chart.Documents.Count);
        // Blood pressure arrives as a panel: each component gets a trend of its own.
        chart.Observations.VitalSigns.ShouldContain(s => s.Code == "8480-6" && s.Points.Count > 1);

        var audit = await LastAuditAsync(physician.Persona.Id);
        audit.ShouldBe(("view", "success", "Chart", patientId, "TREAT"));
        var details = await Db.ScalarAsync<string>($"SELECT details FROM audit.access_events WHERE user_id = '{physician.Persona.Id}' ORDER BY xmin::text::bigint DESC LIMIT 1");
        details.ShouldContain("lab-results");
        details.ShouldContain("basis=treatment-relationship");
        details.ShouldNotContain("note-text");
    }

    [Fact]
    public async Task Without_a_relationship_a_physician_must_break_the_glass_which_is_audited_queued_and_time_limited()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        await using var physician = await SignInAsync(Roles.Physician, await ClinicalData.UnrelatedNpiAsync(Db, patientId));

        var refused = await physician.ChartAsync(patientId);
        refused.Status.ShouldBe(ChartReadStatus.BreakGlassRequired);
        refused.Content.ShouldBeNull();
        refused.Entry!.Patient.Name.ShouldBe("Armando772 Cortés936");
        (await LastAuditAsync(physician.Persona.Id)).ShouldBe(("view", "denied", "Chart", patientId, "no treatment relationship"));

        var grant = await physician.RunAsync(s => s.GetRequiredService<BreakGlassHandler>().HandleAsync(
            new BreakGlassCommand(patientId, "covering", "Night cover for cardiology", Attested: true), CancellationToken.None));
        grant.IsSuccess.ShouldBeTrue(grant.Error?.Message);
        grant.Value!.ExpiresAt.ShouldBe(physician.Clock.GetUtcNow() + TimeSpan.FromHours(4));

        var audit = await LastAuditAsync(physician.Persona.Id);
        audit.Action.ShouldBe("break-glass");
        audit.PatientId.ShouldBe(patientId);
        audit.Purpose.ShouldBe("Covering for the patient's treating physician: Night cover for cardiology");
        (await Db.ScalarAsync<long>($"""
            SELECT count(*) FROM access.break_glass_accesses g JOIN audit.access_events e ON e.id = g.audit_event_id
            WHERE g.user_id = '{physician.Persona.Id}' AND g.patient_id = '{patientId}' AND g.reviewed_at IS NULL AND e.action = 'break-glass'
            """)).ShouldBe(1, "the access waits in the compliance review queue, tied to its audit row");

        // Within the grant the physician is not asked again, and each view says it was an emergency access.
        physician.Clock.Advance(TimeSpan.FromHours(3));
        var inside = await physician.ChartAsync(patientId);
        inside.Status.ShouldBe(ChartReadStatus.Shown);
        inside.Entry!.Access.Basis.ShouldBe(ChartAccessBasis.BreakGlass);
        (await LastAuditAsync(physician.Persona.Id)).Purpose.ShouldBe("ETREAT");

        physician.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        (await physician.ChartAsync(patientId)).Status.ShouldBe(ChartReadStatus.BreakGlassRequired);
    }

    [Fact]
    public async Task Break_the_glass_needs_a_reason_and_the_attestation_and_a_refusal_changes_nothing()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        await using var physician = await SignInAsync(Roles.Physician, await ClinicalData.UnrelatedNpiAsync(Db, patientId));
        var before = await Db.ScalarAsync<long>("SELECT count(*) FROM access.break_glass_accesses");

        async Task<string?> TryAsync(BreakGlassCommand command) =>
            (await physician.RunAsync(s => s.GetRequiredService<BreakGlassHandler>().HandleAsync(command, CancellationToken.None))).Error?.Message;

        (await TryAsync(new(patientId, null, null, true))).ShouldBe("Choose the reason for this emergency access.");
        (await TryAsync(new(patientId, "vacation", null, true))).ShouldBe("Choose the reason for this emergency access.");
        (await TryAsync(new(patientId, "other", " ", true))).ShouldBe("Explain the reason for this emergency access.");
        (await TryAsync(new(patientId, "emergency", null, false))).ShouldBe("Tick the attestation to break the glass.");
        (await TryAsync(new(Guid.NewGuid(), "emergency", null, true))).ShouldBe(Error.NotFound().Message);

        (await Db.ScalarAsync<long>("SELECT count(*) FROM access.break_glass_accesses")).ShouldBe(before);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE user_id = '{physician.Persona.Id}' AND action = 'break-glass'")).ShouldBe(0);
    }

    [Fact]
    public async Task Only_a_physician_may_break_the_glass()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        await using var clerk = await SignInAsync(Roles.HimClerk);
        var result = await clerk.RunAsync(s => s.GetRequiredService<BreakGlassHandler>().HandleAsync(
            new BreakGlassCommand(patientId, "emergency", null, true), CancellationToken.None));
        result.Error!.Kind.ShouldBe(ErrorKind.Forbidden);
        // The refusal is audited by the one permission check, naming the patient (issue 14 item 7: it was not).
        (await Db.ScalarAsync<string>(
            $"SELECT action || '|' || outcome || '|' || resource_type || '|' || resource_id || '|' || patient_id || '|' || purpose FROM audit.access_events WHERE user_id = '{clerk.Persona.Id}' ORDER BY occurred_at DESC, lane_seq DESC LIMIT 1"))
            .ShouldBe($"update|denied|UseCase|BreakGlass|{patientId}|not permitted: {Permissions.ChartsBreakGlass}");
    }

    [Fact]
    public async Task An_him_manager_changing_a_privacy_rule_is_refused_and_the_refusal_audited()
    {
        await using var manager = await SignInAsync(Roles.HimManager);
        var result = await manager.RunAsync(s => s.GetRequiredService<Application.Compliance.Monitoring.UpdateRuleHandler>().HandleAsync(
            new Application.Compliance.Monitoring.UpdateRuleCommand("after-hours", false, new Dictionary<string, string?>(), 0), CancellationToken.None));
        result.Error!.Kind.ShouldBe(ErrorKind.Forbidden);
        (await Db.ScalarAsync<string>(
            $"SELECT action || '|' || outcome || '|' || resource_id || '|' || purpose FROM audit.access_events WHERE user_id = '{manager.Persona.Id}' ORDER BY occurred_at DESC, lane_seq DESC LIMIT 1"))
            .ShouldBe($"update|denied|UpdateRule|not permitted: {Permissions.AuditManageRules}");
        (await Db.ScalarAsync<long>("SELECT count(*) FROM compliance.monitoring_rules")).ShouldBe(0L, "nothing saved");
    }

    [Fact]
    public async Task A_restricted_patient_needs_break_the_glass_even_from_the_treating_physician()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.WithImaging);
        await using var physician = await SignInAsync(Roles.Physician, await ClinicalData.TreatingNpiAsync(Db, patientId));
        (await physician.ChartAsync(patientId)).Status.ShouldBe(ChartReadStatus.Shown);

        await Db.ExecuteAsync($"INSERT INTO access.patient_restrictions (patient_id, vip, employee, updated_at) VALUES ('{patientId}', true, false, now())");
        try
        {
            var refused = await physician.ChartAsync(patientId);
            refused.Status.ShouldBe(ChartReadStatus.BreakGlassRequired);
            refused.Entry!.Access.Reason.ShouldBe("restricted record");
            (await LastAuditAsync(physician.Persona.Id)).ShouldBe(("view", "denied", "Chart", patientId, "restricted record"));

            var grant = await physician.RunAsync(s => s.GetRequiredService<BreakGlassHandler>().HandleAsync(
                new BreakGlassCommand(patientId, "emergency", null, true), CancellationToken.None));
            grant.IsSuccess.ShouldBeTrue(grant.Error?.Message);
            var inside = await physician.ChartAsync(patientId);
            inside.Status.ShouldBe(ChartReadStatus.Shown);
            inside.Entry!.Patient.IsRestricted.ShouldBeTrue();
        }
        finally
        {
            await Db.ExecuteAsync($"DELETE FROM access.patient_restrictions WHERE patient_id = '{patientId}'");
        }
    }

    [Fact]
    public async Task An_assignment_recorded_by_HIM_staff_is_a_treatment_relationship_until_it_ends()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        await using var physician = await SignInAsync(Roles.Physician, await ClinicalData.UnrelatedNpiAsync(Db, patientId));
        (await physician.ChartAsync(patientId)).Status.ShouldBe(ChartReadStatus.BreakGlassRequired);

        var ends = physician.Clock.GetUtcNow().AddDays(2);
        await Db.ExecuteAsync($"""
            INSERT INTO access.treatment_assignments (id, patient_id, user_id, reason, assigned_at, ends_at)
            VALUES ('{Guid.CreateVersion7()}', '{patientId}', '{physician.Persona.Id}', 'consult', now(), '{ends:O}')
            """);
        var read = await physician.ChartAsync(patientId);
        read.Status.ShouldBe(ChartReadStatus.Shown);
        read.Entry!.Access.Basis.ShouldBe(ChartAccessBasis.Assignment);

        physician.Clock.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        (await physician.ChartAsync(patientId)).Status.ShouldBe(ChartReadStatus.BreakGlassRequired);
    }

    [Fact]
    public async Task An_HIM_clerk_sees_demographics_and_the_document_list_but_no_clinical_content()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        await using var clerk = await SignInAsync(Roles.HimClerk);

        var read = await clerk.ChartAsync(patientId);

        read.Status.ShouldBe(ChartReadStatus.Shown);
        read.Entry!.Access.Basis.ShouldBe(ChartAccessBasis.Operations);
        read.Entry.Access.Sections.ShouldBe([ChartSection.Demographics, ChartSection.Documents], ignoreOrder: true);
        var chart = read.Content!;
        chart.Documents.Count.ShouldBe(BundleCounts(ClinicalData.Cortes).Types["DocumentReference"]);
        chart.Observations.All.ShouldBeEmpty();
        chart.Problems.ShouldBeEmpty();
        chart.Encounters.ShouldBeEmpty();
        (await LastAuditAsync(clerk.Persona.Id)).ShouldBe(("view", "success", "Chart", patientId, "HOPERAT"));

        var noteId = chart.Documents[0].Id;
        var note = await clerk.RunAsync(s => s.GetRequiredService<ReadNoteHandler>().HandleAsync(new ReadNoteQuery(patientId, noteId), CancellationToken.None));
        note.Status.ShouldBe(ChartReadStatus.Denied);
        note.Content.ShouldBeNull();
        (await LastAuditAsync(clerk.Persona.Id)).ShouldBe(("view", "denied", "UseCase", patientId, "not permitted: Charts.Read"));
    }

    [Fact]
    public async Task A_compliance_officer_sees_who_the_patient_is_and_nothing_clinical()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        await using var officer = await SignInAsync(Roles.ComplianceOfficer);
        var read = await officer.ChartAsync(patientId);
        read.Status.ShouldBe(ChartReadStatus.Shown);
        read.Entry!.Access.Sections.ShouldBe([ChartSection.Demographics]);
        read.Content!.Documents.ShouldBeEmpty();
        read.Content.Observations.All.ShouldBeEmpty();
    }

    [Fact]
    public async Task Encounters_and_notes_open_only_within_their_own_patient_and_each_view_is_audited_with_its_id()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        var otherPatient = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        var otherEncounter = await Db.ScalarAsync<Guid>($"SELECT id FROM clinical.encounters WHERE patient_id = '{otherPatient}' LIMIT 1");
        await using var physician = await SignInAsync(Roles.Physician, await ClinicalData.TreatingNpiAsync(Db, patientId));
        var chart = (await physician.ChartAsync(patientId)).Content!;
        var encounter = chart.Encounters.First(e => e.Notes > 0 && e.Results > 0);

        var opened = await physician.RunAsync(s => s.GetRequiredService<GetEncounterHandler>()
            .HandleAsync(new GetEncounterQuery(patientId, encounter.Id), CancellationToken.None));
        opened.Status.ShouldBe(ChartReadStatus.Shown);
        opened.Content!.Results.All.Count.ShouldBe(encounter.Results);
        opened.Content.Notes.Count.ShouldBe(encounter.Notes);
        opened.Content.Notes[0].Text.ShouldNotBeNullOrWhiteSpace();
        (await LastAuditAsync(physician.Persona.Id)).ShouldBe(("view", "success", "Encounter", patientId, "TREAT"));
        (await Db.ScalarAsync<string>($"SELECT resource_id FROM audit.access_events WHERE user_id = '{physician.Persona.Id}' ORDER BY xmin::text::bigint DESC LIMIT 1"))
            .ShouldBe(encounter.Id.ToString("D"));

        var note = await physician.RunAsync(s => s.GetRequiredService<ReadNoteHandler>()
            .HandleAsync(new ReadNoteQuery(patientId, chart.Documents[0].Id), CancellationToken.None));
        note.Status.ShouldBe(ChartReadStatus.Shown);
        note.Content!.Note.Text.ShouldNotBeNullOrWhiteSpace();
        (await LastAuditAsync(physician.Persona.Id)).ShouldBe(("view", "success", "DocumentReference", patientId, "TREAT"));

        // A note id that is not this patient's, and this patient's encounter under another patient's id: never shown.
        var crossed = await physician.RunAsync(s => s.GetRequiredService<ReadNoteHandler>()
            .HandleAsync(new ReadNoteQuery(patientId, Guid.NewGuid()), CancellationToken.None));
        crossed.Status.ShouldBe(ChartReadStatus.NotFound);
        var elsewhere = await physician.RunAsync(s => s.GetRequiredService<GetEncounterHandler>()
            .HandleAsync(new GetEncounterQuery(otherPatient, encounter.Id), CancellationToken.None));
        elsewhere.Status.ShouldNotBe(ChartReadStatus.Shown);

        // Another patient's encounter id under a treated patient's address: 404 to the reader, an audited attempt all the same.
        var probe = await physician.RunAsync(s => s.GetRequiredService<GetEncounterHandler>()
            .HandleAsync(new GetEncounterQuery(patientId, otherEncounter), CancellationToken.None));
        probe.Status.ShouldBe(ChartReadStatus.NotFound);
        (await LastAuditAsync(physician.Persona.Id)).ShouldBe(("view", "denied", "Encounter", patientId, "no such Encounter in this patient's record"));
        (await Db.ScalarAsync<string>($"SELECT resource_id FROM audit.access_events WHERE user_id = '{physician.Persona.Id}' ORDER BY xmin::text::bigint DESC LIMIT 1"))
            .ShouldBe(otherEncounter.ToString("D"));
    }

    [Fact]
    public async Task The_timeline_filters_by_class_and_date_without_changing_the_total()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Largest);
        await using var physician = await SignInAsync(Roles.Physician, await ClinicalData.TreatingNpiAsync(Db, patientId));
        var all = (await physician.ChartAsync(patientId)).Content!;
        var klass = all.EncounterClasses[0];
        var year = all.Encounters[^1].Start!.Value.Year + 1;

        var filtered = (await physician.ChartAsync(patientId, new EncounterFilter(klass, new DateOnly(year, 1, 1), new DateOnly(year + 5, 12, 31)))).Content!;

        filtered.Encounters.Count.ShouldBe(all.Encounters.Count);
        filtered.FilteredEncounters.Count.ShouldBe(all.Encounters.Count(e => e.Class == klass && e.Start!.Value.UtcDateTime.Year >= year && e.Start.Value.UtcDateTime.Year <= year + 5));
        filtered.FilteredEncounters.Count.ShouldBeLessThan(all.Encounters.Count);
    }

    [Fact]
    public async Task A_chart_view_sends_the_same_few_SQL_commands_however_large_the_record()
    {
        var small = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        var large = await ClinicalData.PatientIdAsync(Db, ClinicalData.Largest);
        await using var physician = await SignInAsync(Roles.Physician);
        // A relationship with both, recorded by HIM staff, so both charts open in full.
        foreach (var patient in new[] { small, large })
        {
            await Db.ExecuteAsync($"""
                INSERT INTO access.treatment_assignments (id, patient_id, user_id, reason, assigned_at)
                VALUES ('{Guid.CreateVersion7()}', '{patient}', '{physician.Persona.Id}', 'test', now())
                """);
        }

        await physician.ChartAsync(small); // warm-up: first-query compilation must not count

        async Task<int> CountAsync(Guid patient)
        {
            using var counter = SqlCommandCounter.Start();
            var read = await physician.ChartAsync(patient);
            read.Status.ShouldBe(ChartReadStatus.Shown);
            return counter.Commands.Count;
        }

        var smallCommands = await CountAsync(small);
        var largeCommands = await CountAsync(large);
        // The gate's query, then one batch of a query per section and the audit row (the large chart, read for the
        // first time), or the audit row alone (the small one, kept from the warm-up): nothing grows with the record.
        smallCommands.ShouldBe(2, "the counter must see the gate and the audit row");
        largeCommands.ShouldBe(2, "the counter must see the gate and the batch");
    }

    [Fact]
    public async Task A_chart_seen_again_is_kept_but_audited_again_and_a_changed_record_is_read_afresh()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        await using var physician = await AssignedPhysicianAsync(patientId);
        async Task<long> ViewsAsync() => await Db.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{physician.Persona.Id}' AND action = 'view' AND resource_type = 'Chart'");

        // Each session has services of its own, so this cache counts this physician's views only.
        var cache = await physician.RunAsync(s => Task.FromResult(s.GetRequiredService<ChartContentCache>()));
        var first = (await physician.ChartAsync(patientId)).Content!;
        var again = (await physician.ChartAsync(patientId)).Content!;

        again.Procedures.ShouldBeSameAs(first.Procedures, "the second view is served from what the first one read");
        (cache.Misses, cache.Hits).ShouldBe((1, 1), "the first view missed and read the record, the second hit");
        (await ViewsAsync()).ShouldBe(2, "every view is audited, kept or not");

        // The same bundle with one procedure renamed: the import updates it and bumps the record's version.
        var original = SyntheaData.PatientBundle(ClinicalData.Smallest);
        var json = JsonNode.Parse(SyntheaData.ReadJsonText(original))!;
        var procedure = json["entry"]!.AsArray().Select(e => e!["resource"]!).First(r => (string?)r["resourceType"] == "Procedure");
        procedure["code"]!["coding"]![0]!["display"] = "Renamed by the test";
        procedure["code"]!["text"] = "Renamed by the test";
        var changed = Path.Combine(Path.GetTempPath(), $"changed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(changed, json.ToJsonString());
        try
        {
            await ImportAsync(changed);
            var afterChange = (await physician.ChartAsync(patientId)).Content!;
            afterChange.Procedures.ShouldNotBeSameAs(first.Procedures);
            afterChange.Procedures.ShouldContain(p => p.Display == "Renamed by the test");
        }
        finally
        {
            await ImportAsync(original);
            File.Delete(changed);
        }

        var restored = (await physician.ChartAsync(patientId)).Content!;
        restored.Procedures.ShouldNotContain(p => p.Display == "Renamed by the test");
        (await ViewsAsync()).ShouldBe(4);

        // A re-import that changes nothing leaves the version, so what the chart keeps stays good.
        var version = $"SELECT version FROM clinical.record_versions WHERE record_id = '{patientId}'";
        var before = await Db.ScalarAsync<long>(version);
        await ImportAsync(original);
        (await Db.ScalarAsync<long>(version)).ShouldBe(before);
        (await physician.ChartAsync(patientId)).Content!.Procedures.ShouldBeSameAs(restored.Procedures);
        (cache.Misses, cache.Hits).ShouldBe((3, 2), "each changed record missed once; unchanged views hit");
    }

    [Fact]
    public async Task A_change_to_shared_master_data_is_read_afresh_in_every_kept_chart()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        await using var physician = await AssignedPhysicianAsync(patientId);
        var first = (await physician.ChartAsync(patientId)).Content!;
        var provider = first.Encounters.Select(e => e.Provider).First(p => p is not null)!;

        // The hospital's master data with the organization that provided the patient's care renamed.
        var original = SyntheaData.HospitalBundle;
        var json = JsonNode.Parse(SyntheaData.ReadJsonText(original))!;
        var organization = json["entry"]!.AsArray().Select(e => e!["resource"]!)
            .First(r => (string?)r["resourceType"] == "Organization" && (string?)r["name"] == provider);
        organization["name"] = "Renamed Hospital";
        var changed = Path.Combine(Path.GetTempPath(), $"changed-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(changed, json.ToJsonString());
        var shared = $"SELECT coalesce((SELECT version FROM clinical.record_versions WHERE record_id = '{Guid.Empty}'), 0)";
        var before = await Db.ScalarAsync<long>(shared);
        try
        {
            await ImportAsync(changed);
            (await Db.ScalarAsync<long>(shared)).ShouldBe(before + 1);
            var afterChange = (await physician.ChartAsync(patientId)).Content!;
            afterChange.Encounters.ShouldContain(e => e.Provider == "Renamed Hospital");
        }
        finally
        {
            await ImportAsync(original);
            File.Delete(changed);
        }

        (await physician.ChartAsync(patientId)).Content!.Encounters.ShouldNotContain(e => e.Provider == "Renamed Hospital");
    }

    [Fact]
    public async Task A_kept_chart_is_never_shown_to_a_role_that_sees_less_nor_to_a_reader_without_access()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        await using var setup = Db.Services();
        var physician = await Personas.CreateAsync(setup, Roles.Physician, npi: await ClinicalData.TreatingNpiAsync(Db, patientId));
        var clerk = await Personas.CreateAsync(setup, Roles.HimClerk);
        var stranger = await Personas.CreateAsync(setup, Roles.Physician, npi: await ClinicalData.UnrelatedNpiAsync(Db, patientId));
        var actor = new TestActor();
        // One set of services, so one cache, for all three readers.
        await using var services = Db.Services(actor);
        async Task<ChartRead<ChartView>> ChartAsAsync(Persona persona, string role)
        {
            actor.ActAs(persona.Id, persona.Email, role);
            await using var scope = services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<GetChartHandler>().HandleAsync(new GetChartQuery(patientId), CancellationToken.None);
        }

        (await ChartAsAsync(physician, Roles.Physician)).Content!.Problems.ShouldNotBeEmpty();

        var asClerk = await ChartAsAsync(clerk, Roles.HimClerk);
        asClerk.Status.ShouldBe(ChartReadStatus.Shown);
        asClerk.Content!.Problems.ShouldBeEmpty();
        asClerk.Content.Observations.All.ShouldBeEmpty();
        (await ChartAsAsync(stranger, Roles.Physician)).Status.ShouldBe(ChartReadStatus.BreakGlassRequired);
    }

    /// <summary>A physician with an assignment to the patient: a relationship that needs none of the record's few NPIs.</summary>
    private async Task<Session> AssignedPhysicianAsync(Guid patientId)
    {
        var physician = await SignInAsync(Roles.Physician);
        await Db.ExecuteAsync($"""
            INSERT INTO access.treatment_assignments (id, patient_id, user_id, reason, assigned_at)
            VALUES ('{Guid.CreateVersion7()}', '{patientId}', '{physician.Persona.Id}', 'test', now())
            """);
        return physician;
    }

    private async Task ImportAsync(string file)
    {
        await using var services = Db.Services();
        await using var scope = services.CreateAsyncScope();
        var summary = await scope.ServiceProvider.GetRequiredService<ImportBundlesHandler>()
            .HandleAsync(new ImportBundlesCommand([BundleFile.FromPath(file)]), CancellationToken.None);
        summary.Value!.Files.Where(f => !f.Ok).Select(f => f.Error).ShouldBeEmpty();
    }

    private async Task<(string Action, string Outcome, string? ResourceType, Guid? PatientId, string? Purpose)> LastAuditAsync(Guid userId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Db.SuperuserConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT action, outcome, resource_type, patient_id, purpose FROM audit.access_events WHERE user_id = $1 ORDER BY xmin::text::bigint DESC LIMIT 1",
            connection);
        command.Parameters.AddWithValue(userId);
        await using var reader = await command.ExecuteReaderAsync();
        (await reader.ReadAsync()).ShouldBeTrue("an audit row was written");
        return (reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.IsDBNull(4) ? null : reader.GetString(4));
    }

    private sealed record Counts(Dictionary<string, int> Types, Dictionary<string, int> ObservationCategories);

    /// <summary>What the bundle file holds, counted from the JSON itself, not through the importer.</summary>
    private static Counts BundleCounts(string patient)
    {
        using var bundle = JsonDocument.Parse(SyntheaData.ReadJson(SyntheaData.PatientBundle(patient)));
        var resources = bundle.RootElement.GetProperty("entry").EnumerateArray().Select(e => e.GetProperty("resource")).ToList();
        var types = resources.GroupBy(r => r.GetProperty("resourceType").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        var categories = resources.Where(r => r.GetProperty("resourceType").GetString() == "Observation")
            .GroupBy(r => r.GetProperty("category")[0].GetProperty("coding")[0].GetProperty("code").GetString()!)
            .ToDictionary(g => g.Key, g => g.Count());
        return new Counts(types, categories);
    }
}
