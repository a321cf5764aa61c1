using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Application.Access.Sensitivity.ApplyLabelRules;
using HimPortal.Application.Access.Sensitivity.GetPatientLabels;
using HimPortal.Application.Access.Sensitivity.LabelItem;
using HimPortal.Application.Access.Sensitivity.ListLabels;
using HimPortal.Application.Access.Sensitivity.RemoveLabel;
using HimPortal.Application.Access.Sensitivity.SaveLabel;
using HimPortal.Application.Common;
using HimPortal.Data.Access;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Access.Sensitivity;

/// <summary>Two shared patients imported once for the class; tests add the coded items they need.</summary>
public sealed class SensitivityDatabase : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await ClinicalData.ImportAsync(Database, ClinicalData.Smallest, ClinicalData.Cortes);
    }

    public Task DisposeAsync() => Database.DisposeAsync();
}

/// <summary>HIM staff label items, the rules label by code, release reads what is in force; every read and change audited.</summary>
public sealed class SensitivityLabelTests(SensitivityDatabase fixture) : IClassFixture<SensitivityDatabase>
{
    private TestDatabase Db => fixture.Database;

    /// <summary>A member of staff in <paramref name="role"/>: their services, acting as them, and their account id.</summary>
    private async Task<Staff> AsAsync(string role)
    {
        await using var setup = Db.Services();
        var persona = await Personas.CreateAsync(setup, role);
        var actor = new TestActor();
        actor.ActAs(persona.Id, persona.Email, role);
        return new Staff(Db.Services(actor), persona.Id);
    }

    private sealed record Staff(ServiceProvider Services, Guid UserId) : IServiceProvider, IAsyncDisposable
    {
        public object? GetService(Type serviceType) => Services.GetService(serviceType);

        public ValueTask DisposeAsync() => Services.DisposeAsync();
    }

    private static async Task<T> RunAsync<T>(IServiceProvider services, Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    private static Task<Result<LabelledItem>> LabelAsync(IServiceProvider services, LabelItemCommand command) =>
        RunAsync(services, s => s.GetRequiredService<LabelItemHandler>().HandleAsync(command, CancellationToken.None));

    private static Task<Result<PatientSensitivity>> ReadAsync(IServiceProvider services, GetPatientLabelsQuery query) =>
        RunAsync(services, s => s.GetRequiredService<GetPatientLabelsHandler>().HandleAsync(query, CancellationToken.None));

    private static Task<Result<ApplyLabelRulesOutcome>> ApplyAsync(IServiceProvider services, Guid patientId) =>
        RunAsync(services, s => s.GetRequiredService<ApplyLabelRulesHandler>().HandleAsync(new ApplyLabelRulesCommand(patientId), CancellationToken.None));

    private Task<Guid> NoteAsync(Guid patientId) =>
        Db.ScalarAsync<Guid>($"SELECT id FROM clinical.clinical_notes WHERE patient_id = '{patientId}' ORDER BY id LIMIT 1");

    /// <summary>A copy of one of the patient's conditions in an encounter that has notes, coded as given (as an import of it would store it).</summary>
    private async Task<(Guid Condition, Guid Encounter)> AddConditionAsync(Guid patientId, string system, string code, string verification = "confirmed",
        Guid? encounter = null)
    {
        var id = Guid.NewGuid();
        var inEncounter = encounter is { } e ? $"c.encounter_id = '{e}'"
            : "EXISTS (SELECT 1 FROM clinical.clinical_notes n WHERE n.encounter_id = c.encounter_id)";
        await Db.ExecuteAsync($"""
            CREATE TEMP TABLE copied AS SELECT c.* FROM clinical.conditions c WHERE c.patient_id = '{patientId}' AND {inEncounter} ORDER BY c.id LIMIT 1;
            UPDATE copied SET id = '{id}', fhir_id = 'test-{id:N}', code_system = '{system}', code = '{code}', verification_status = '{verification}';
            INSERT INTO clinical.conditions SELECT * FROM copied;
            DROP TABLE copied;
            """);
        return (id, await Db.ScalarAsync<Guid>($"SELECT encounter_id FROM clinical.conditions WHERE id = '{id}'"));
    }

    private Task<long> AuditCountAsync(Staff by, Guid patientId, string resourceType, string action) =>
        Db.ScalarAsync<long>($"""
            SELECT count(*) FROM audit.access_events
            WHERE user_id = '{by.UserId}' AND patient_id = '{patientId}' AND resource_type = '{resourceType}' AND action = '{action}' AND outcome = 'success'
            """);

    [Fact]
    public void The_seeded_labels_use_HL7_ActCode_sensitivity_codes()
    {
        SensitivitySeed.Labels.Select(l => l.Code).ShouldBe(["PSYTHPN", "SUD", "HIV", "BH", "GDIS", "SEX", "MINORCNS"]);
        SensitivitySeed.Labels.Where(l => l.Code != "MINORCNS").ShouldAllBe(l => l.CodeSystem == "http://terminology.hl7.org/CodeSystem/v3-ActCode");
        SensitivitySeed.Labels.Single(l => l.Code == "MINORCNS").CodeSystem.ShouldBe(SensitivitySeed.LocalCodes);
        SensitivitySeed.Labels.Single(l => l.Code == "PSYTHPN").Regulation.ShouldContain("164.508(a)(2)");
        SensitivitySeed.Labels.Single(l => l.Code == "SUD").Regulation.ShouldContain("42 CFR Part 2");
        SensitivitySeed.CodeRules.ShouldNotContain(r => r.LabelCode == "SUD" && r.Code == "F17", "nicotine is not a Part 2 substance (42 CFR 2.11)");
    }

    [Fact]
    public async Task A_clerk_labels_a_note_then_removes_the_label_which_stays_as_history()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        var noteId = await NoteAsync(patientId);
        await using var clerk = await AsAsync(Roles.HimClerk);

        (await LabelAsync(clerk, new(patientId, "DocumentReference", noteId, "PSYTHPN", " "))).Error!.Field.ShouldBe("Reason");
        var labelled = await LabelAsync(clerk, new(patientId, "DocumentReference", noteId, "PSYTHPN", "Therapist's session notes filed in the chart"));
        labelled.IsSuccess.ShouldBeTrue(labelled.Error?.Message);
        (await LabelAsync(clerk, new(patientId, "DocumentReference", noteId, "PSYTHPN", "again"))).Error.ShouldBe(SensitivityErrors.AlreadyLabelled);

        var inForce = (await ReadAsync(clerk, new GetPatientLabelsQuery(patientId))).Value!;
        var label = inForce.InForce.ShouldHaveSingleItem();
        label.ShouldSatisfyAllConditions(l => l.LabelCode.ShouldBe("PSYTHPN"), l => l.Source.ShouldBe(LabelSources.Manual),
            l => l.BlocksReleaseWithoutAuthorization.ShouldBeTrue(), l => l.Title.ShouldBe("Psychotherapy notes"));
        inForce.NeedsSpecificAuthorization(new ItemRef("DocumentReference", noteId)).ShouldBeTrue();

        // Someone changed the label since this page was opened: told, nothing removed.
        var stale = await RunAsync(clerk, s => s.GetRequiredService<RemoveLabelHandler>()
            .HandleAsync(new RemoveLabelCommand(patientId, label.Id, "entered on the wrong note", label.Version + 1), CancellationToken.None));
        stale.Error.ShouldBe(SensitivityErrors.Conflict);
        (await ReadAsync(clerk, new GetPatientLabelsQuery(patientId))).Value!.InForce.Count().ShouldBe(1);

        var removed = await RunAsync(clerk, s => s.GetRequiredService<RemoveLabelHandler>()
            .HandleAsync(new RemoveLabelCommand(patientId, label.Id, "entered on the wrong note", label.Version), CancellationToken.None));
        removed.IsSuccess.ShouldBeTrue(removed.Error?.Message);
        (await RunAsync(clerk, s => s.GetRequiredService<RemoveLabelHandler>()
            .HandleAsync(new RemoveLabelCommand(patientId, label.Id, "again", label.Version), CancellationToken.None))).Error.ShouldBe(SensitivityErrors.AlreadyRemoved);

        (await ReadAsync(clerk, new GetPatientLabelsQuery(patientId))).Value!.InForce.ShouldBeEmpty();
        var history = (await ReadAsync(clerk, new GetPatientLabelsQuery(patientId, IncludeRemoved: true))).Value!.Labels.ShouldHaveSingleItem();
        history.ShouldSatisfyAllConditions(h => h.InForce.ShouldBeFalse(), h => h.RemovalReason.ShouldBe("entered on the wrong note"),
            h => h.RemovedByUserId.ShouldNotBeNull(), h => h.Reason.ShouldBe("Therapist's session notes filed in the chart"));

        // The item can be labelled again; both rows remain.
        (await LabelAsync(clerk, new(patientId, "DocumentReference", noteId, "PSYTHPN", "right note after all"))).IsSuccess.ShouldBeTrue();
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM access.item_sensitivity_labels WHERE resource_id = '{noteId}'")).ShouldBe(2);

        (await AuditCountAsync(clerk, patientId, "SensitivityLabel", "create")).ShouldBe(2);
        (await AuditCountAsync(clerk, patientId, "SensitivityLabel", "update")).ShouldBe(1);
        (await AuditCountAsync(clerk, patientId, "SensitivityLabels", "view")).ShouldBe(4);
    }

    [Fact]
    public async Task A_label_goes_only_on_the_patients_own_items_and_only_with_a_label_in_use()
    {
        var cortes = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        var other = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        var othersNote = await NoteAsync(other);
        await using var clerk = await AsAsync(Roles.HimClerk);

        (await LabelAsync(clerk, new(cortes, "DocumentReference", othersNote, "HIV", "crafted id"))).Error.ShouldBe(SensitivityErrors.NotFound);
        (await LabelAsync(clerk, new(cortes, "Condition", othersNote, "HIV", "wrong type"))).Error.ShouldBe(SensitivityErrors.NotFound);
        (await LabelAsync(clerk, new(other, "DocumentReference", othersNote, "NOPE", "no such label"))).Error.ShouldBe(SensitivityErrors.UnknownLabel);
        (await LabelAsync(clerk, new(other, "Claim", othersNote, "HIV", "not a labelled kind"))).Error!.Field.ShouldBe("ResourceType");
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM access.item_sensitivity_labels WHERE resource_id = '{othersNote}' AND source = 'manual'")).ShouldBe(0);
    }

    [Fact]
    public async Task The_rules_label_by_code_carry_to_the_encounter_and_its_notes_and_run_again_without_doubling()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        var (hiv, encounter) = await AddConditionAsync(patientId, SensitivitySeed.Snomed, "86406008");
        var (opioids, _) = await AddConditionAsync(patientId, SensitivitySeed.Icd10Cm, "F11.20", encounter: encounter);
        var (nicotine, _) = await AddConditionAsync(patientId, SensitivitySeed.Icd10Cm, "F17.210", encounter: encounter);
        var (refuted, _) = await AddConditionAsync(patientId, SensitivitySeed.Snomed, "62479008", verification: "refuted", encounter: encounter);
        var notesOfEncounter = await Db.ScalarAsync<long>($"SELECT count(*) FROM clinical.clinical_notes WHERE encounter_id = '{encounter}'");
        var reportsOfEncounter = await Db.ScalarAsync<long>($"SELECT count(*) FROM clinical.diagnostic_reports WHERE encounter_id = '{encounter}'");
        notesOfEncounter.ShouldBeGreaterThan(0);
        await using var clerk = await AsAsync(Roles.HimClerk);

        var first = (await ApplyAsync(clerk, patientId)).Value!;

        // HIV and SUD each: the condition, its encounter, the encounter's notes and reports.
        var perLabel = (int)(2 + notesOfEncounter + reportsOfEncounter);
        first.ByLabel.ShouldBe(new Dictionary<string, int> { ["HIV"] = perLabel, ["SUD"] = perLabel });
        var labels = (await ReadAsync(clerk, new GetPatientLabelsQuery(patientId))).Value!;
        labels.For(new ItemRef("Condition", hiv)).Select(l => l.LabelCode).ShouldBe(["HIV"]);
        labels.For(new ItemRef("Condition", opioids)).Single().MatchedCode.ShouldBe("http://hl7.org/fhir/sid/icd-10-cm|F11.20", "the code found, under the F11 rule");
        labels.For(new ItemRef("Condition", nicotine)).ShouldBeEmpty("tobacco is not covered by Part 2");
        labels.For(new ItemRef("Condition", refuted)).ShouldBeEmpty("a refuted diagnosis says nothing about the patient");
        labels.For(new ItemRef("Encounter", encounter)).Select(l => l.LabelCode).Order().ShouldBe(["HIV", "SUD"]);
        var note = labels.InForce.First(l => l.ResourceType == "DocumentReference" && l.LabelCode == "HIV");
        note.ShouldSatisfyAllConditions(n => n.Source.ShouldBe(LabelSources.Rule), n => n.MatchedCode.ShouldBe($"via Condition/{hiv}"));

        (await ApplyAsync(clerk, patientId)).Value!.Added.ShouldBe(0);

        // A person takes the label off one note; the rules leave that decision alone.
        await RunAsync(clerk, s => s.GetRequiredService<RemoveLabelHandler>()
            .HandleAsync(new RemoveLabelCommand(patientId, note.Id, "note about the visit's other complaint", note.Version), CancellationToken.None));
        (await ApplyAsync(clerk, patientId)).Value!.Added.ShouldBe(0);
        var afterRemoval = (await ReadAsync(clerk, new GetPatientLabelsQuery(patientId))).Value!.For(note.Item).Select(l => l.LabelCode).ToList();
        afterRemoval.ShouldNotContain("HIV");
        afterRemoval.ShouldContain("SUD");
        // Each run and the removal wrote their row, each read its own.
        (await AuditCountAsync(clerk, patientId, "SensitivityLabel", "update")).ShouldBe(4);
        (await AuditCountAsync(clerk, patientId, "SensitivityLabels", "view")).ShouldBe(2);
    }

    [Fact]
    public async Task Two_rule_runs_at_once_label_each_item_once()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        var encounter = await Db.ScalarAsync<Guid>(
            $"SELECT e.id FROM clinical.encounters e WHERE e.patient_id = '{patientId}' AND EXISTS (SELECT 1 FROM clinical.clinical_notes n WHERE n.encounter_id = e.id) ORDER BY e.id LIMIT 1");
        var conditionId = Guid.NewGuid();
        // The smallest patient has no conditions to copy: write one the way the import stores it.
        await Db.ExecuteAsync($$"""
            INSERT INTO clinical.conditions (id, fhir_id, resource, source_hash, imported_at, patient_id, encounter_id, code_system, code, display, verification_status)
            VALUES ('{{conditionId}}', 'test-{{conditionId:N}}', '{"resourceType":"Condition"}', '\x00', now(), '{{patientId}}', '{{encounter}}',
                    'http://hl7.org/fhir/sid/icd-10-cm', 'B20', 'HIV disease', 'confirmed')
            """);
        await using var clerkA = await AsAsync(Roles.HimClerk);
        await using var clerkB = await AsAsync(Roles.HimManager);

        var runs = await Task.WhenAll(Task.Run(() => ApplyAsync(clerkA, patientId)), Task.Run(() => ApplyAsync(clerkB, patientId)));

        runs.ShouldAllBe(r => r.IsSuccess);
        var inForce = await Db.ScalarAsync<long>(
            $"SELECT count(*) FROM access.item_sensitivity_labels WHERE patient_id = '{patientId}' AND removed_at IS NULL AND source = 'rule'");
        runs.Sum(r => r.Value!.Added).ShouldBe((int)inForce);
        (await Db.ScalarAsync<long>($"""
            SELECT count(*) FROM (SELECT 1 FROM access.item_sensitivity_labels WHERE patient_id = '{patientId}' AND removed_at IS NULL
                                  GROUP BY resource_type, resource_id, label_code HAVING count(*) > 1) duplicates
            """)).ShouldBe(0);
        inForce.ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task A_whole_record_label_applies_to_every_item_and_reading_labels_is_for_those_who_label_or_release()
    {
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        var noteId = await NoteAsync(patientId);
        await using var manager = await AsAsync(Roles.HimManager);
        await using var roi = await AsAsync(Roles.RoiSpecialist);
        await using var physician = await AsAsync(Roles.Physician);
        await using var compliance = await AsAsync(Roles.ComplianceOfficer);
        (await LabelAsync(manager, new(patientId, "Patient", patientId, "SEX", "patient treated in the adolescent reproductive-health clinic")))
            .IsSuccess.ShouldBeTrue();

        var forRelease = (await ReadAsync(roi, new GetPatientLabelsQuery(patientId, [new ItemRef("DocumentReference", noteId)]))).Value!;
        forRelease.For(new ItemRef("DocumentReference", noteId)).ShouldContain(l => l.LabelCode == "SEX" && l.ResourceType == "Patient");
        forRelease.NeedsSpecificAuthorization(new ItemRef("DocumentReference", noteId)).ShouldBeTrue();
        forRelease.NeedsSpecificAuthorization(new ItemRef("Observation", Guid.NewGuid())).ShouldBeTrue("the whole record is labelled");

        (await ReadAsync(physician, new GetPatientLabelsQuery(patientId))).Error!.Kind.ShouldBe(ErrorKind.Forbidden);
        (await ReadAsync(compliance, new GetPatientLabelsQuery(patientId))).Error!.Kind.ShouldBe(ErrorKind.Forbidden);
        (await LabelAsync(roi, new(patientId, "Patient", patientId, "HIV", "not theirs to label"))).Error!.Kind.ShouldBe(ErrorKind.Forbidden);
        (await ApplyAsync(physician, patientId)).Error!.Kind.ShouldBe(ErrorKind.Forbidden);
        (await Db.ScalarAsync<long>($"""
            SELECT count(*) FROM audit.access_events
            WHERE patient_id = '{patientId}' AND outcome = 'denied' AND resource_type = 'UseCase' AND resource_id IN ('GetPatientLabels', 'LabelItem', 'ApplyLabelRules')
            """)).ShouldBe(4);
    }

    [Fact]
    public async Task The_privacy_officer_adds_a_label_with_its_codes_edits_it_under_its_version_and_retires_it()
    {
        await using var privacy = await AsAsync(Roles.ComplianceOfficer);
        await using var clerk = await AsAsync(Roles.HimClerk);
        Task<Result<uint>> SaveAsync(IServiceProvider services, SaveLabelCommand command) =>
            RunAsync(services, s => s.GetRequiredService<SaveLabelHandler>().HandleAsync(command, CancellationToken.None));
        var std = new SaveLabelCommand("STD", SensitivitySeed.ActCode, "Sexually transmitted disease information", "State STD confidentiality law (test)",
            true, true, true, [new CodeRuleInput(SensitivitySeed.Icd10Cm, "A54", Prefix: true), new CodeRuleInput(SensitivitySeed.Snomed, "15628003")], null);

        (await SaveAsync(clerk, std)).Error!.Kind.ShouldBe(ErrorKind.Forbidden);
        (await SaveAsync(privacy, std with { Codes = [new CodeRuleInput("http://example.org/local", "X")] })).Error!.Kind.ShouldBe(ErrorKind.Invalid);
        var version = (await SaveAsync(privacy, std)).Value;
        (await SaveAsync(privacy, std)).Error.ShouldBe(SensitivityErrors.Conflict, "adding a label that exists");

        var list = (await RunAsync(clerk, s => s.GetRequiredService<ListLabelsHandler>().HandleAsync(new ListLabelsQuery(), CancellationToken.None))).Value!;
        list.Single(l => l.Code == "STD").Codes.Select(c => c.Code).ShouldBe(["A54", "15628003"], ignoreOrder: true);
        list.Select(l => l.Code).ShouldContain("HIV");

        var edited = std with { Codes = [new CodeRuleInput(SensitivitySeed.Icd10Cm, "A54", Prefix: true)], Version = version };
        var newVersion = (await SaveAsync(privacy, edited)).Value;
        (await SaveAsync(privacy, edited)).Error.ShouldBe(SensitivityErrors.Conflict, "a second save from the same stale page");

        (await SaveAsync(privacy, edited with { Active = false, Version = newVersion })).IsSuccess.ShouldBeTrue();
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        (await LabelAsync(clerk, new(patientId, "Patient", patientId, "STD", "retired label"))).Error.ShouldBe(SensitivityErrors.UnknownLabel);
        (await RunAsync(clerk, s => s.GetRequiredService<ListLabelsHandler>().HandleAsync(new ListLabelsQuery(), CancellationToken.None))).Value!
            .Select(l => l.Code).ShouldNotContain("STD");
        (await Db.ScalarAsync<long>("SELECT count(*) FROM audit.access_events WHERE resource_type = 'SensitivityLabelDefinition' AND resource_id = 'STD'"))
            .ShouldBe(3);
    }
}
