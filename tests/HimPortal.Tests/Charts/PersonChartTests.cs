using HimPortal.Application.Access;
using HimPortal.Application.Access.Identity;
using HimPortal.Application.Administration.Users;
using HimPortal.Application.Administration.Users.CreateUser;
using HimPortal.Application.Audit;
using HimPortal.Application.Access.BreakGlass;
using HimPortal.Application.Charts.GetChart;
using HimPortal.Application.Charts.GetEncounter;
using HimPortal.Application.Charts.GetResults;
using HimPortal.Application.Charts.ReadNote;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Charts;

/// <summary>
/// The classes that link and unlink <see cref="PersonDatabase"/>'s records (charts, search, access log): one database,
/// and one class at a time, since a link changes what every reader of those records sees.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PersonCollection : ICollectionFixture<PersonDatabase>
{
    public const string Name = "Linked person";
}

/// <summary>Three Synthea patients: two to link as one person (A, B) and one that stays apart (C).</summary>
public sealed class PersonDatabase : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public Guid A { get; private set; }

    public Guid B { get; private set; }

    public Guid C { get; private set; }

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await ClinicalData.ImportAsync(Database, ClinicalData.Smallest, ClinicalData.Cortes, ClinicalData.WithImaging);
        A = await ClinicalData.PatientIdAsync(Database, ClinicalData.Smallest);
        B = await ClinicalData.PatientIdAsync(Database, ClinicalData.Cortes);
        C = await ClinicalData.PatientIdAsync(Database, ClinicalData.WithImaging);
    }

    public Task DisposeAsync() => Database.DisposeAsync();

    /// <summary>Links two records through the clinical-record writer, in a transaction of its own (ADR 0015).</summary>
    public async Task LinkAsync(Guid a, Guid b)
    {
        await using var services = Database.Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        await db.InTransactionAsync(token => ClinicalRecordWriter.LinkAsync(db, a, b, new LinkReason(null, "test: same person", null), DateTimeOffset.UtcNow, token),
            CancellationToken.None);
    }

    public async Task UnlinkAsync(Guid record)
    {
        await using var services = Database.Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        await db.InTransactionAsync(token => ClinicalRecordWriter.UnlinkAsync(db, record, new LinkReason(null, "test: not the same person", null), DateTimeOffset.UtcNow, token),
            CancellationToken.None);
    }
}

/// <summary>
/// The chart of a person whose records are linked (ADR 0015, issue 16): the union of the records with each item's record,
/// the access rules over the person, the content cache following links and unlinks, and probes of records outside the
/// person still refused. Each test links and unlinks again, so the next starts from separate records.
/// </summary>
[Collection(PersonCollection.Name)]
public sealed class PersonChartTests(PersonDatabase person)
{
    private TestDatabase Db => person.Database;

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

    private Task AssignAsync(Guid userId, params Guid[] patients) =>
        Db.ExecuteAsync(string.Join(';', patients.Select(p => $"""
            INSERT INTO access.treatment_assignments (id, patient_id, user_id, reason, assigned_at)
            VALUES ('{Guid.NewGuid()}', '{p}', '{userId}', 'test', now())
            """)));

    private Task<string> LastDetailsAsync(Guid userId) =>
        Db.ScalarAsync<string>($"SELECT coalesce(details, '') FROM audit.access_events WHERE user_id = '{userId}' ORDER BY xmin::text::bigint DESC LIMIT 1");

    [Fact]
    public async Task A_linked_chart_holds_both_records_items_with_their_record_and_unlinking_restores_each_exactly_past_the_cache()
    {
        await using var physician = await SignInAsync(Roles.Physician, await ClinicalData.UnrelatedNpiAsync(Db, person.A));
        await AssignAsync(physician.Persona.Id, person.A, person.B);
        // The same services throughout: the content cache kept the charts read before the link.
        var aloneA = (await physician.ChartAsync(person.A)).Content!;
        var aloneB = (await physician.ChartAsync(person.B)).Content!;
        aloneA.Encounters.ShouldAllBe(e => e.RecordId == person.A);
        aloneB.Encounters.ShouldAllBe(e => e.RecordId == person.B);
        (await physician.ChartAsync(person.A)).Entry!.Patient.IsLinked.ShouldBeFalse();

        await person.LinkAsync(person.A, person.B);
        try
        {
            var read = await physician.ChartAsync(person.A);
            read.Status.ShouldBe(ChartReadStatus.Shown);
            var header = read.Entry!.Patient;
            header.Id.ShouldBe(person.A);
            header.Records.Select(r => r.Id).ShouldBe([person.A, person.B]);
            header.Records[1].Mrn.ShouldBe(ClinicalData.Cortes);
            var union = read.Content!;
            union.Encounters.Count.ShouldBe(aloneA.Encounters.Count + aloneB.Encounters.Count);
            union.Encounters.Where(e => e.RecordId == person.A).ShouldBe(aloneA.Encounters, ignoreOrder: true);
            union.Encounters.Where(e => e.RecordId == person.B).ShouldBe(aloneB.Encounters, ignoreOrder: true);
            union.Problems.Count.ShouldBe(aloneA.Problems.Count + aloneB.Problems.Count);
            union.Medications.Count.ShouldBe(aloneA.Medications.Count + aloneB.Medications.Count);
            union.Immunizations.Count.ShouldBe(aloneA.Immunizations.Count + aloneB.Immunizations.Count);
            union.Allergies.Count.ShouldBe(aloneA.Allergies.Count + aloneB.Allergies.Count);
            union.Procedures.Count.ShouldBe(aloneA.Procedures.Count + aloneB.Procedures.Count);
            union.Documents.Where(d => d.RecordId == person.B).ShouldBe(aloneB.Documents, ignoreOrder: true);
            union.Observations.All.Count.ShouldBe(aloneA.Observations.All.Count + aloneB.Observations.All.Count);
            union.Observations.All.Where(o => o.RecordId == person.B).Select(o => o.Id).ShouldBe(aloneB.Observations.All.Select(o => o.Id), ignoreOrder: true);
            // Through B the same person: the same items, B's header.
            var throughB = (await physician.ChartAsync(person.B)).Content!;
            throughB.Encounters.Count.ShouldBe(union.Encounters.Count);
            (await LastDetailsAsync(physician.Persona.Id)).ShouldContain($"person={person.B:D},{person.A:D}", Case.Sensitive, "the record asked for first");
        }
        finally
        {
            await person.UnlinkAsync(person.A);
        }

        // Each record alone again, exactly as it read before the link (and not the kept union).
        var againA = (await physician.ChartAsync(person.A)).Content!;
        var againB = (await physician.ChartAsync(person.B)).Content!;
        Same(againA, aloneA);
        Same(againB, aloneB);
        (await LastDetailsAsync(physician.Persona.Id)).ShouldNotContain("person=");
    }

    private static void Same(ChartView now, ChartView before)
    {
        now.Encounters.ShouldBe(before.Encounters);
        now.Problems.ShouldBe(before.Problems);
        now.Medications.ShouldBe(before.Medications);
        now.Immunizations.ShouldBe(before.Immunizations);
        now.Allergies.ShouldBe(before.Allergies);
        now.Procedures.ShouldBe(before.Procedures);
        now.Imaging.ShouldBe(before.Imaging);
        now.Documents.ShouldBe(before.Documents);
        now.Observations.All.ShouldBe(before.Observations.All);
    }

    [Fact]
    public async Task A_physician_who_treated_record_B_opens_the_person_through_record_A_only_while_linked()
    {
        await using var physician = await SignInAsync(Roles.Physician, await ClinicalData.TreatingNpiAsync(Db, person.B));
        (await physician.ChartAsync(person.A)).Status.ShouldBe(ChartReadStatus.BreakGlassRequired);

        await person.LinkAsync(person.A, person.B);
        try
        {
            var read = await physician.ChartAsync(person.A);
            read.Status.ShouldBe(ChartReadStatus.Shown);
            read.Entry!.Access.Basis.ShouldBe(ChartAccessBasis.TreatmentRelationship);
            read.Entry.Access.Via.ShouldStartWith("encounter=");
            // The audit row names the record asked for, and the person's records.
            (await Db.ScalarAsync<Guid>($"SELECT patient_id FROM audit.access_events WHERE user_id = '{physician.Persona.Id}' ORDER BY xmin::text::bigint DESC LIMIT 1"))
                .ShouldBe(person.A);
            (await LastDetailsAsync(physician.Persona.Id)).ShouldContain("basis=treatment-relationship");
        }
        finally
        {
            await person.UnlinkAsync(person.B);
        }

        (await physician.ChartAsync(person.A)).Status.ShouldBe(ChartReadStatus.BreakGlassRequired);
    }

    [Fact]
    public async Task A_restriction_on_record_B_restricts_the_person_and_a_break_the_glass_grant_on_A_opens_B()
    {
        await using var physician = await SignInAsync(Roles.Physician, await ClinicalData.TreatingNpiAsync(Db, person.A));
        (await physician.ChartAsync(person.A)).Status.ShouldBe(ChartReadStatus.Shown);
        await Db.ExecuteAsync($"INSERT INTO access.patient_restrictions (patient_id, vip, employee, updated_at) VALUES ('{person.B}', true, false, now())");
        try
        {
            (await physician.ChartAsync(person.A)).Status.ShouldBe(ChartReadStatus.Shown, "B is not A's person yet");
            await person.LinkAsync(person.A, person.B);
            try
            {
                var refused = await physician.ChartAsync(person.A);
                refused.Status.ShouldBe(ChartReadStatus.BreakGlassRequired);
                refused.Entry!.Access.Reason.ShouldBe("restricted record");
                refused.Entry.Patient.IsRestricted.ShouldBeTrue();
                (await LastDetailsAsync(physician.Persona.Id)).ShouldContain("person=");

                var grant = await physician.RunAsync(s => s.GetRequiredService<BreakGlassHandler>().HandleAsync(
                    new BreakGlassCommand(person.A, "emergency", null, true), CancellationToken.None));
                grant.IsSuccess.ShouldBeTrue(grant.Error?.Message);
                (await physician.ChartAsync(person.A)).Entry!.Access.Basis.ShouldBe(ChartAccessBasis.BreakGlass);
                (await physician.ChartAsync(person.B)).Entry!.Access.Basis.ShouldBe(ChartAccessBasis.BreakGlass, "the grant is for the person");
            }
            finally
            {
                await person.UnlinkAsync(person.A);
            }

            var apart = await physician.ChartAsync(person.A);
            apart.Entry!.Access.Basis.ShouldBe(ChartAccessBasis.BreakGlass, "A's own grant still runs");
            apart.Entry.Patient.IsRestricted.ShouldBeFalse("B's restriction is B's alone again");
        }
        finally
        {
            await Db.ExecuteAsync($"DELETE FROM access.patient_restrictions WHERE patient_id = '{person.B}'");
        }
    }

    [Fact]
    public async Task Items_of_any_linked_record_open_under_the_person_and_items_of_a_record_outside_it_are_still_probes()
    {
        await using var physician = await SignInAsync(Roles.Physician, await ClinicalData.UnrelatedNpiAsync(Db, person.A));
        await AssignAsync(physician.Persona.Id, person.A);
        var encounterOfB = await Db.ScalarAsync<Guid>($"SELECT id FROM clinical.encounters WHERE patient_id = '{person.B}' ORDER BY period_start DESC LIMIT 1");
        var noteOfB = await Db.ScalarAsync<Guid>($"SELECT id FROM clinical.clinical_notes WHERE patient_id = '{person.B}' ORDER BY date DESC LIMIT 1");
        var codeOfB = await Db.ScalarAsync<string>($"SELECT code FROM clinical.observations WHERE patient_id = '{person.B}' AND category = 'laboratory' LIMIT 1");
        var encounterOfC = await Db.ScalarAsync<Guid>($"SELECT id FROM clinical.encounters WHERE patient_id = '{person.C}' LIMIT 1");
        (await physician.EncounterAsync(person.A, encounterOfB)).Status.ShouldBe(ChartReadStatus.NotFound, "B is not A's person yet");

        await person.LinkAsync(person.A, person.B);
        try
        {
            var encounter = await physician.EncounterAsync(person.A, encounterOfB);
            encounter.Status.ShouldBe(ChartReadStatus.Shown);
            encounter.Content!.Encounter.RecordId.ShouldBe(person.B);
            encounter.Content.Diagnoses.ShouldAllBe(d => d.RecordId == person.B);
            var note = await physician.RunAsync(s => s.GetRequiredService<ReadNoteHandler>()
                .HandleAsync(new ReadNoteQuery(person.A, noteOfB), CancellationToken.None));
            note.Status.ShouldBe(ChartReadStatus.Shown);
            var results = await physician.RunAsync(s => s.GetRequiredService<GetResultsHandler>()
                .HandleAsync(new GetResultsQuery(person.A, codeOfB), CancellationToken.None));
            results.Status.ShouldBe(ChartReadStatus.Shown);
            results.Content!.Series.Results.ShouldContain(r => r.RecordId == person.B);

            // C is no record of the person: its encounter under A's address is not found, and audited as a probe.
            (await physician.EncounterAsync(person.A, encounterOfC)).Status.ShouldBe(ChartReadStatus.NotFound);
            (await Db.ScalarAsync<string>($"SELECT outcome || '|' || resource_id || '|' || purpose FROM audit.access_events WHERE user_id = '{physician.Persona.Id}' ORDER BY xmin::text::bigint DESC LIMIT 1"))
                .ShouldBe($"denied|{encounterOfC:D}|no such Encounter in this patient's record");
        }
        finally
        {
            await person.UnlinkAsync(person.A);
        }

        (await physician.EncounterAsync(person.A, encounterOfB)).Status.ShouldBe(ChartReadStatus.NotFound, "unlinked: B's items are another patient's again");
    }

    [Fact]
    public async Task The_portal_opens_any_record_of_the_patients_person_as_their_own_only_while_linked()
    {
        await using var setup = Db.Services();
        Guid accountId;
        await using (var scope = setup.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<ActorScope>().RunAs(Personas.ConsoleOperator);
            // The account names record B's MRN.
            var created = await scope.ServiceProvider.GetRequiredService<CreateUserHandler>().HandleAsync(new CreateUserCommand(
                $"patient.{Guid.NewGuid():N}@test.himportal.example", "Test Patient", [Roles.Patient], null, PasswordGenerator.Generate(),
                new UserProfile(null, null, null, null, null, null, ClinicalData.Cortes)), CancellationToken.None);
            accountId = created.Value!.Id;
        }

        var actor = new TestActor();
        actor.ActAs(accountId, "patient@test.himportal.example", Roles.Patient);
        await using var services = Db.Services(actor);
        async Task<ChartAccessOutcome> OpenAsync(Guid patientId)
        {
            await using var scope = services.CreateAsyncScope();
            return (await scope.ServiceProvider.GetRequiredService<ChartGate>().OpenAsync(patientId, AccessIntent.PatientSelf, CancellationToken.None))!.Access.Outcome;
        }

        (await OpenAsync(person.B)).ShouldBe(ChartAccessOutcome.Granted);
        (await OpenAsync(person.A)).ShouldBe(ChartAccessOutcome.Denied);
        await person.LinkAsync(person.A, person.B);
        try
        {
            (await OpenAsync(person.A)).ShouldBe(ChartAccessOutcome.Granted);
            (await OpenAsync(person.C)).ShouldBe(ChartAccessOutcome.Denied);
        }
        finally
        {
            await person.UnlinkAsync(person.A);
        }

        (await OpenAsync(person.A)).ShouldBe(ChartAccessOutcome.Denied);
    }
}
