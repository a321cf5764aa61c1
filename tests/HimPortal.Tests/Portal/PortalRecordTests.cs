using HimPortal.Application.Access;
using HimPortal.Application.Access.Sensitivity;
using HimPortal.Application.Clinical;
using HimPortal.Application.Clinical.Results;
using HimPortal.Application.Clinical.Values;
using HimPortal.Application.Common;
using HimPortal.Application.Portal.Holds;
using HimPortal.Application.Portal.Proxies;
using HimPortal.Application.Portal.Record;
using HimPortal.Data;
using HimPortal.Data.Portal;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Portal;

/// <summary>Three Synthea patients for the portal's record: A (the patient), B (linked to A in one test), C (someone else).</summary>
public sealed class RecordDatabase : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public Guid A { get; private set; }

    public Guid B { get; private set; }

    public Guid C { get; private set; }

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await ClinicalData.ImportAsync(Database, ClinicalData.OneVisitPractitioner, ClinicalData.Cortes, ClinicalData.WithImaging);
        A = await ClinicalData.PatientIdAsync(Database, ClinicalData.OneVisitPractitioner);
        B = await ClinicalData.PatientIdAsync(Database, ClinicalData.Cortes);
        C = await ClinicalData.PatientIdAsync(Database, ClinicalData.WithImaging);
    }

    public Task DisposeAsync() => Database.DisposeAsync();
}

/// <summary>
/// "My record" (issue 19 items 3 and 8): the person's own records and nobody else's, read as the patient and audited;
/// information-blocking holds; psychotherapy notes never shown; a representative's view without the minor's own care,
/// and its end. The tests run one at a time on one database (they label, hold and link its records).
/// </summary>
[CollectionDefinition(Name)]
public sealed class RecordCollection : ICollectionFixture<RecordDatabase>
{
    public const string Name = "Portal record";
}

[Collection(RecordCollection.Name)]
public sealed class PortalRecordTests(RecordDatabase data)
{
    private TestDatabase Db => data.Database;

    internal sealed record Session(ServiceProvider Services, Persona Persona) : IAsyncDisposable
    {
        public async Task<T> RunAsync<T>(Func<IServiceProvider, Task<T>> work)
        {
            await using var scope = Services.CreateAsyncScope();
            return await work(scope.ServiceProvider);
        }

        public Task<ChartRead<MyRecordView>> RecordAsync(Guid patientId, string part = RecordParts.Summary, string? after = null) =>
            RunAsync(s => s.GetRequiredService<GetMyRecordHandler>().HandleAsync(new GetMyRecordQuery(patientId, part, after), CancellationToken.None));

        public Task<ChartRead<MyNoteView>> NoteAsync(Guid patientId, Guid noteId) =>
            RunAsync(s => s.GetRequiredService<ReadMyNoteHandler>().HandleAsync(new ReadMyNoteQuery(patientId, noteId), CancellationToken.None));

        public async ValueTask DisposeAsync() => await Services.DisposeAsync();
    }

    internal static async Task<Session> SignInAsync(TestDatabase db, string role, string? mrn = null, TimeProvider? clock = null)
    {
        Persona persona;
        await using (var setup = db.Services())
        {
            persona = await Personas.CreateAsync(setup, role);
        }

        if (mrn is not null)
        {
            await db.ExecuteAsync($"UPDATE identity.users SET patient_mrn = '{mrn}' WHERE id = '{persona.Id}'");
        }

        var actor = new TestActor();
        actor.ActAs(persona.Id, persona.Email, role);
        return new Session(db.Services(actor, clock), persona);
    }

    private Task<Guid> NoteOfAsync(Guid patientId, int skip = 0) =>
        Db.ScalarAsync<Guid>($"SELECT id FROM clinical.clinical_notes WHERE patient_id = '{patientId}' ORDER BY date DESC, id DESC OFFSET {skip} LIMIT 1");

    internal static Task LabelAsync(TestDatabase db, Guid patientId, string type, Guid id, string label) =>
        db.ExecuteAsync($"""
            INSERT INTO access.item_sensitivity_labels (id, patient_id, label_code, resource_type, resource_id, source, labelled_at)
            VALUES ('{Guid.NewGuid()}', '{patientId}', '{label}', '{type}', '{id}', 'manual', now())
            """);

    private Task<long> AuditCountAsync(Guid userId, string outcome, Guid patientId) =>
        Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE user_id = '{userId}' AND outcome = '{outcome}' AND patient_id = '{patientId}'");

    [Fact]
    public async Task The_patient_reads_their_own_record_as_themselves_with_each_view_audited()
    {
        await using var patient = await SignInAsync(Db, Roles.Patient, ClinicalData.OneVisitPractitioner);
        var read = await patient.RecordAsync(data.A);

        read.Status.ShouldBe(ChartReadStatus.Shown);
        read.Entry!.Proxy.ShouldBeNull();
        var view = read.Content!;
        view.Visits.Count.ShouldBeGreaterThan(0);
        view.Visits.Count.ShouldBeLessThanOrEqualTo(GetMyRecordHandler.PageSize);
        view.Visits.ShouldAllBe(v => v.RecordId == data.A);
        view.Documents.ShouldAllBe(d => d.RecordId == data.A);
        view.Results.ShouldNotBeEmpty();
        view.Results.SelectMany(s => s.Results).ShouldAllBe(r => r.RecordId == data.A);
        // No staff jargon: every visit and problem has words, never a bare code.
        view.Problems.ShouldAllBe(p => !string.IsNullOrWhiteSpace(p.Title));
        var details = await Db.ScalarAsync<string>($"""
            SELECT details || ' | ' || coalesce(purpose, '') FROM audit.access_events
            WHERE user_id = '{patient.Persona.Id}' AND patient_id = '{data.A}' AND outcome = 'success' AND resource_type = 'Record' ORDER BY id DESC LIMIT 1
            """);
        details.ShouldContain("portal.record");
        details.ShouldContain("basis=patient-self");
    }

    [Fact]
    public async Task Visits_and_documents_page_by_keyset_without_repeating_an_item()
    {
        await using var patient = await SignInAsync(Db, Roles.Patient, ClinicalData.OneVisitPractitioner);
        var first = (await patient.RecordAsync(data.A)).Content!;
        var total = await Db.ScalarAsync<long>($"SELECT count(*) FROM clinical.encounters WHERE patient_id = '{data.A}'");
        total.ShouldBeGreaterThan(GetMyRecordHandler.PageSize);
        first.NextVisits.ShouldNotBeNull();
        var seen = first.Visits.Select(v => v.Id).ToList();
        var next = first.NextVisits;
        while (next is not null)
        {
            var page = (await patient.RecordAsync(data.A, RecordParts.Visits, next)).Content!;
            page.Problems.ShouldBeEmpty();
            seen.AddRange(page.Visits.Select(v => v.Id));
            next = page.NextVisits;
        }

        seen.Count.ShouldBe((int)total);
        seen.Distinct().Count().ShouldBe(seen.Count);
    }

    [Fact]
    public async Task Another_persons_record_and_items_are_refused_by_any_id_and_audited()
    {
        await using var patient = await SignInAsync(Db, Roles.Patient, ClinicalData.OneVisitPractitioner);
        var othersNote = await NoteOfAsync(data.C);

        var record = await patient.RecordAsync(data.C);
        record.Status.ShouldBe(ChartReadStatus.Denied);
        record.Content.ShouldBeNull();
        (await patient.NoteAsync(data.C, othersNote)).Content.ShouldBeNull();
        // Another's note under the patient's own record: not found, and the probe is audited naming the id.
        var probe = await patient.NoteAsync(data.A, othersNote);
        probe.Status.ShouldBe(ChartReadStatus.NotFound);
        probe.Content.ShouldBeNull();
        (await patient.RecordAsync(Guid.NewGuid())).Status.ShouldBe(ChartReadStatus.NotFound);

        (await AuditCountAsync(patient.Persona.Id, "denied", data.C)).ShouldBe(2);
        (await Db.ScalarAsync<long>($"""
            SELECT count(*) FROM audit.access_events WHERE user_id = '{patient.Persona.Id}' AND outcome = 'denied'
            AND patient_id = '{data.A}' AND resource_id = '{othersNote}'
            """)).ShouldBe(1);
    }

    [Fact]
    public async Task Every_linked_record_of_the_person_is_in_their_record()
    {
        await using var patient = await SignInAsync(Db, Roles.Patient, ClinicalData.OneVisitPractitioner);
        await LinkAsync(data.A, data.B);
        try
        {
            var read = await patient.RecordAsync(data.A);
            read.Status.ShouldBe(ChartReadStatus.Shown);
            var records = read.Content!.Results.SelectMany(s => s.Results).Select(r => r.RecordId).Distinct().ToList();
            records.ShouldBe([data.A, data.B], ignoreOrder: true);
            // The other record's note opens under the person, and C's still does not.
            (await patient.NoteAsync(data.A, await NoteOfAsync(data.B))).Status.ShouldBe(ChartReadStatus.Shown);
            (await patient.NoteAsync(data.A, await NoteOfAsync(data.C))).Status.ShouldBe(ChartReadStatus.NotFound);
        }
        finally
        {
            await UnlinkAsync(data.B);
        }

        (await patient.NoteAsync(data.A, await NoteOfAsync(data.B))).Status.ShouldBe(ChartReadStatus.NotFound);
    }

    [Fact]
    public async Task A_held_item_is_hidden_until_the_hold_is_lifted_and_holds_are_audited()
    {
        await using var patient = await SignInAsync(Db, Roles.Patient, ClinicalData.OneVisitPractitioner);
        await using var physician = await SignInAsync(Db, Roles.Physician);
        var note = await NoteOfAsync(data.A);
        (await patient.RecordAsync(data.A)).Content!.Documents.ShouldContain(d => d.Id == note);

        var placed = await physician.RunAsync(s => s.GetRequiredService<PlaceHoldHandler>().HandleAsync(
            new PlaceHoldCommand(data.A, LabelledItems.DocumentReference, note, HoldExceptions.PreventingHarm, "Discuss the result in person first", null),
            CancellationToken.None));
        placed.IsSuccess.ShouldBeTrue(placed.Error?.Message);
        var again = await physician.RunAsync(s => s.GetRequiredService<PlaceHoldHandler>().HandleAsync(
            new PlaceHoldCommand(data.A, LabelledItems.DocumentReference, note, HoldExceptions.Privacy, "twice", null), CancellationToken.None));
        again.Error!.Code.ShouldBe("already-held");

        var held = (await patient.RecordAsync(data.A)).Content!;
        held.Documents.ShouldNotContain(d => d.Id == note);
        held.HeldCount.ShouldBe(1);
        (await patient.NoteAsync(data.A, note)).Status.ShouldBe(ChartReadStatus.NotFound);

        var holds = (await physician.RunAsync(s => s.GetRequiredService<ListHoldsHandler>().HandleAsync(new ListHoldsQuery(data.A), CancellationToken.None))).Value!;
        var hold = holds.Single(h => h.Id == placed.Value);
        hold.Reason.ShouldBe("Discuss the result in person first");
        (await physician.RunAsync(s => s.GetRequiredService<LiftHoldHandler>().HandleAsync(new LiftHoldCommand(data.A, hold.Id, hold.Version), CancellationToken.None)))
            .IsSuccess.ShouldBeTrue();

        (await patient.RecordAsync(data.A)).Content!.Documents.ShouldContain(d => d.Id == note);
        (await patient.NoteAsync(data.A, note)).Status.ShouldBe(ChartReadStatus.Shown);
        (await Db.ScalarAsync<long>($"""
            SELECT count(*) FROM audit.access_events WHERE user_id = '{physician.Persona.Id}' AND resource_id = '{note}'
            AND (details LIKE 'portal.hold placed%' OR details LIKE 'portal.hold lifted%')
            """)).ShouldBe(2);
    }

    [Fact]
    public async Task A_hold_is_placed_only_on_the_patients_own_item_and_only_by_physicians_and_him_managers()
    {
        await using var physician = await SignInAsync(Db, Roles.Physician);
        await using var clerk = await SignInAsync(Db, Roles.HimClerk);
        var othersNote = await NoteOfAsync(data.C);
        var command = new PlaceHoldCommand(data.A, LabelledItems.DocumentReference, othersNote, HoldExceptions.PreventingHarm, "x", null);
        (await physician.RunAsync(s => s.GetRequiredService<PlaceHoldHandler>().HandleAsync(command, CancellationToken.None))).Error!.Kind.ShouldBe(ErrorKind.NotFound);
        var ownNote = await NoteOfAsync(data.A);
        (await clerk.RunAsync(s => s.GetRequiredService<PlaceHoldHandler>().HandleAsync(command with { ResourceId = ownNote }, CancellationToken.None)))
            .Error!.Kind.ShouldBe(ErrorKind.Forbidden);
        var invalid = await physician.RunAsync(s => s.GetRequiredService<PlaceHoldHandler>().HandleAsync(command with { Exception = "because", Reason = "" }, CancellationToken.None));
        invalid.Error!.Kind.ShouldBe(ErrorKind.Invalid);
    }

    [Fact]
    public async Task A_psychotherapy_note_is_never_shown_in_the_portal()
    {
        await using var patient = await SignInAsync(Db, Roles.Patient, ClinicalData.OneVisitPractitioner);
        var note = await NoteOfAsync(data.A, skip: 1);
        await LabelAsync(Db, data.A, LabelledItems.DocumentReference, note, PortalVisibility.PsychotherapyNotes);

        (await patient.RecordAsync(data.A)).Content!.Documents.ShouldNotContain(d => d.Id == note);
        (await patient.NoteAsync(data.A, note)).Status.ShouldBe(ChartReadStatus.NotFound);
    }

    [Fact]
    public async Task A_parent_sees_the_childs_record_but_not_the_care_the_minor_consented_to_and_access_ends_on_the_end_date()
    {
        var clock = new TestClock();
        clock.Set(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        await using var clerk = await SignInAsync(Db, Roles.HimClerk);
        await using var parent = await SignInAsync(Db, Roles.Patient, clock: clock);
        var endsOn = new DateOnly(2026, 12, 31);
        var pdf = "%PDF-1.4\n% birth certificate\n%%EOF\n"u8.ToArray();
        var created = await clerk.RunAsync(s => s.GetRequiredService<CreateProxyGrantHandler>().HandleAsync(new CreateProxyGrantCommand(data.C,
            "Maria Parent", "Parent", new DateOnly(1980, 1, 2), ProxyRelationships.Parent, "Birth certificate", pdf, new DateOnly(2026, 12, 1), endsOn, null),
            CancellationToken.None));
        created.IsSuccess.ShouldBeTrue(created.Error?.Message);
        await Db.ExecuteAsync($"UPDATE portal.proxy_grants SET representative_user_id = '{parent.Persona.Id}' WHERE id = '{created.Value}'");
        (await Db.ScalarAsync<bool>($"SELECT hide_minor_consented_care AND authority_object_id IS NOT NULL FROM portal.proxy_grants WHERE id = '{created.Value}'"))
            .ShouldBeTrue();

        // Care the minor consented to alone: one note, and one visit with what was done in it.
        var hiddenNote = await NoteOfAsync(data.C);
        var visit = await Db.ScalarAsync<Guid>($"""
            SELECT e.id FROM clinical.encounters e WHERE e.patient_id = '{data.C}'
            AND EXISTS (SELECT FROM clinical.observations o WHERE o.encounter_id = e.id) ORDER BY e.period_start LIMIT 1
            """);
        var resultOfVisit = await Db.ScalarAsync<Guid>($"SELECT id FROM clinical.observations WHERE encounter_id = '{visit}' LIMIT 1");
        await LabelAsync(Db, data.C, LabelledItems.DocumentReference, hiddenNote, PortalVisibility.MinorConsentedCare);
        await LabelAsync(Db, data.C, LabelledItems.Encounter, visit, PortalVisibility.MinorConsentedCare);

        var read = await parent.RecordAsync(data.C);
        read.Status.ShouldBe(ChartReadStatus.Shown);
        read.Entry!.Proxy!.HidesMinorConsentedCare.ShouldBeTrue();
        var view = read.Content!;
        view.Documents.ShouldNotContain(d => d.Id == hiddenNote);
        view.Results.SelectMany(s => s.Results).ShouldNotContain(r => r.Id == resultOfVisit);
        (await parent.NoteAsync(data.C, hiddenNote)).Status.ShouldBe(ChartReadStatus.NotFound);
        // The patient's own view (here: a staff-free check through the same filter) keeps them: the label hides from a proxy only.
        await using (var scope = Db.Services().CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
            var own = await db.InTransactionAsync(t => PortalVisibility.ReadAsync(db, [data.C], null, t), CancellationToken.None);
            own.Shows(LabelledItems.DocumentReference, hiddenNote).ShouldBeTrue();
        }

        // The last day still opens; the day after, the gate refuses (hospital time), audited.
        clock.Set(new DateTimeOffset(2026, 12, 31, 20, 0, 0, TimeSpan.Zero));
        (await parent.RecordAsync(data.C)).Status.ShouldBe(ChartReadStatus.Shown);
        clock.Set(new DateTimeOffset(2027, 1, 2, 12, 0, 0, TimeSpan.Zero));
        (await parent.RecordAsync(data.C)).Status.ShouldBe(ChartReadStatus.Denied);
        (await AuditCountAsync(parent.Persona.Id, "denied", data.C)).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_revoked_grant_opens_nothing_and_grants_default_from_the_settings()
    {
        await using var clerk = await SignInAsync(Db, Roles.HimClerk);
        await using var guardian = await SignInAsync(Db, Roles.Patient);
        var created = await clerk.RunAsync(s => s.GetRequiredService<CreateProxyGrantHandler>().HandleAsync(new CreateProxyGrantCommand(data.C,
            "Gail Guardian", "Guardian", new DateOnly(1970, 5, 6), ProxyRelationships.Parent, "Letters of guardianship", null, null, null, null),
            CancellationToken.None));
        created.IsSuccess.ShouldBeTrue(created.Error?.Message);
        await Db.ExecuteAsync($"UPDATE portal.proxy_grants SET representative_user_id = '{guardian.Persona.Id}' WHERE id = '{created.Value}'");
        var grants = (await clerk.RunAsync(s => s.GetRequiredService<ListProxyGrantsHandler>().HandleAsync(new ListProxyGrantsQuery(data.C), CancellationToken.None))).Value!;
        var grant = grants.Grants.Single(g => g.Id == created.Value);
        // A parent's access ends, by default, the day before the minor's birthday at the configured age (18).
        grant.EndsOn.ShouldBe(grants.Defaults.BirthDate!.Value.AddYears(18).AddDays(-1));
        grant.HideMinorConsentedCare.ShouldBeTrue();

        var readable = await guardian.RecordAsync(data.C);
        if (grant.InForceOn(grants.Defaults.Today))
        {
            readable.Status.ShouldBe(ChartReadStatus.Shown);
        }

        var revoked = await clerk.RunAsync(s => s.GetRequiredService<RevokeProxyGrantHandler>().HandleAsync(
            new RevokeProxyGrantCommand(data.C, grant.Id, "Court order ended the guardianship", grant.Version), CancellationToken.None));
        revoked.IsSuccess.ShouldBeTrue(revoked.Error?.Message);
        (await guardian.RecordAsync(data.C)).Status.ShouldBe(ChartReadStatus.Denied);
        var stale = await clerk.RunAsync(s => s.GetRequiredService<RevokeProxyGrantHandler>().HandleAsync(
            new RevokeProxyGrantCommand(data.C, grant.Id, "again", grant.Version), CancellationToken.None));
        stale.Error!.Kind.ShouldBe(ErrorKind.Conflict);
    }

    [Fact]
    public void Flags_are_explained_in_words_with_the_usual_range()
    {
        var high = new ObservationItem(Guid.NewGuid(), null, "laboratory", "2823-3", "Potassium", DateTimeOffset.UtcNow, 6.1m, "mmol/L", null, null, null,
            ResultFlags.High, 3.5m, 5.1m);
        PlainWords.Flag(high, "mmol/L").ShouldBe("Higher than the usual range (3.5–5.1 mmol/L)");
        PlainWords.Flag(high with { Flag = ResultFlags.Low }, "mmol/L")!.ShouldStartWith("Lower than the usual range");
        PlainWords.Flag(high with { Flag = ResultFlags.Normal }, "mmol/L")!.ShouldStartWith("Within the usual range");
        PlainWords.Flag(high with { Flag = ResultFlags.CriticalHigh }, "mmol/L")!.ShouldStartWith("Much higher than the usual range");
        PlainWords.Flag(high with { Flag = null }, "mmol/L").ShouldBeNull();
        PlainWords.VisitKind("EMER").ShouldBe("Emergency visit");
    }

    [Fact]
    public async Task Results_in_the_record_carry_their_flags_explained()
    {
        await using var patient = await SignInAsync(Db, Roles.Patient, ClinicalData.OneVisitPractitioner);
        var results = (await patient.RecordAsync(data.A)).Content!.Results;
        var flagged = results.Where(s => s.Latest.Flag is not null).ToList();
        flagged.ShouldNotBeEmpty();
        flagged.ShouldAllBe(s => PlainWords.Flag(s.Latest, s.UnitText) != null);
        results.ShouldContain(s => s.Points.Count > 1);
    }

    private async Task LinkAsync(Guid a, Guid b)
    {
        await using var services = Db.Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        await db.InTransactionAsync(token => ClinicalRecordWriter.LinkAsync(db, a, b, new LinkReason(null, "test: same person", null), DateTimeOffset.UtcNow, token),
            CancellationToken.None);
    }

    private async Task UnlinkAsync(Guid record)
    {
        await using var services = Db.Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        await db.InTransactionAsync(token => ClinicalRecordWriter.UnlinkAsync(db, record, new LinkReason(null, "test: not the same person", null), DateTimeOffset.UtcNow, token),
            CancellationToken.None);
    }
}
