using System.Text.Json;
using HimPortal.Application.Access;
using HimPortal.Application.Charts.GetChart;
using HimPortal.Application.Common;
using HimPortal.Application.Audit;
using HimPortal.Application.Mpi;
using HimPortal.Application.Mpi.CorrectOverlay;
using HimPortal.Application.Mpi.DecidePair;
using HimPortal.Application.Mpi.GetPair;
using HimPortal.Application.Mpi.GetPerson;
using HimPortal.Application.Mpi.ListWorklist;
using HimPortal.Application.Mpi.UnlinkRecord;
using HimPortal.Application.Patients.Persons;
using HimPortal.Data;
using HimPortal.Data.Mpi;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Mpi;

/// <summary>A database with three Synthea records (each holding clinical data) for the worklist's tests.</summary>
public sealed class WorklistDatabase : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await ClinicalData.ImportAsync(Database, ClinicalData.Smallest, ClinicalData.Cortes, ClinicalData.WithImaging);
    }

    public Task DisposeAsync() => Database.DisposeAsync();
}

/// <summary>
/// The duplicate worklist through its handlers on the real database (issue 16 items 3-4): keyset paging and filters in one
/// query with one audit row per page; each decision (stale, invalid, not the same person remembered, research, the second
/// reviewer); the pair review's preview; link then unlink restoring each record's chart exactly, nothing deleted.
/// </summary>
public sealed class DuplicateWorklistTests(WorklistDatabase data) : IClassFixture<WorklistDatabase>
{
    private TestDatabase Db => data.Database;

    private sealed record Session(ServiceProvider Services, Persona Persona) : IAsyncDisposable
    {
        public async Task<T> RunAsync<T>(Func<IServiceProvider, Task<T>> work)
        {
            await using var scope = Services.CreateAsyncScope();
            return await work(scope.ServiceProvider);
        }

        public Task<Result<WorklistPage>> ListAsync(ListWorklistQuery query) =>
            RunAsync(s => s.GetRequiredService<ListWorklistHandler>().HandleAsync(query, CancellationToken.None));

        public Task<Result<PairView>> PairAsync(long id) =>
            RunAsync(s => s.GetRequiredService<GetPairHandler>().HandleAsync(new GetPairQuery(id), CancellationToken.None));

        public Task<Result<PairDecided>> DecideAsync(long id, string decision, uint version, string? note = null) =>
            RunAsync(s => s.GetRequiredService<DecidePairHandler>().HandleAsync(new DecidePairCommand(id, decision, note, version), CancellationToken.None));

        public Task<Result<PersonView>> PersonAsync(Guid patient) =>
            RunAsync(s => s.GetRequiredService<GetPersonHandler>().HandleAsync(new GetPersonQuery(patient), CancellationToken.None));

        public Task<Result<RecordUnlinked>> UnlinkAsync(Guid patient, long link, string? reason) =>
            RunAsync(s => s.GetRequiredService<UnlinkRecordHandler>().HandleAsync(new UnlinkRecordCommand(patient, link, reason), CancellationToken.None));

        public Task<ChartRead<ChartView>> ChartAsync(Guid patient) =>
            RunAsync(s => s.GetRequiredService<GetChartHandler>().HandleAsync(new GetChartQuery(patient), CancellationToken.None));

        public Task<Guid[]> RecordsOfAsync(Guid patient) =>
            RunAsync(s => PersonRecords.OfAsync(s.GetRequiredService<HimDbContext>(), patient, CancellationToken.None));

        public async ValueTask DisposeAsync() => await Services.DisposeAsync();
    }

    private async Task<Session> SignInAsync(string role)
    {
        await using var setup = Db.Services();
        var persona = await Personas.CreateAsync(setup, role);
        var actor = new TestActor();
        actor.ActAs(persona.Id, persona.Email, role);
        return new Session(Db.Services(actor), persona);
    }

    private Task<long> CountAsync(string sql) => Db.ScalarAsync<long>(sql);

    [Fact]
    public async Task The_worklist_pages_by_keyset_in_either_order_filters_and_audits_one_row_per_page()
    {
        // A source of its own, so other tests' pairs in this database stay out of the counts.
        var source = PairSources.ImportConflict;
        var start = new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
        var pairs = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var a = await CandidatePairs.PatientAsync(Db, "Page" + i, "Keyset");
            var b = await CandidatePairs.PatientAsync(Db, "Paige" + i, "Keyset");
            pairs.Add(await CandidatePairs.AddAsync(Db, a, b, score: 0.5 + (i % 3 * 0.1), source: source,
                status: i == 4 ? PairStatuses.Research : PairStatuses.Review, foundAt: start.AddHours(i)));
        }

        var closed = await CandidatePairs.AddAsync(Db, await CandidatePairs.PatientAsync(Db, "Shut", "Keyset"),
            await CandidatePairs.PatientAsync(Db, "Shutt", "Keyset"), status: PairStatuses.NotDuplicate, source: source, foundAt: start.AddMinutes(-5));
        await using var clerk = await SignInAsync(Roles.HimClerk);

        // Oldest first, two a page: the keyset link walks all five open pairs; the closed one never shows.
        var seen = new List<long>();
        string? after = null;
        var pages = 0;
        do
        {
            using var counter = SqlCommandCounter.Start();
            var page = (await clerk.ListAsync(new ListWorklistQuery(Source: source, After: after, PageSize: 2))).Value!;
            // The rows, both records, the count and the oldest in one statement; the audit row in another.
            counter.Commands.Count.ShouldBeLessThanOrEqualTo(2, string.Join("\n", counter.Commands));
            page.Open.ShouldBe(5);
            page.OldestFoundAt.ShouldBe(start);
            seen.AddRange(page.Rows.Select(r => r.PairId));
            page.Rows.ShouldAllBe(r => r.A.Name.EndsWith("Keyset") && r.B.Mrn != null);
            after = page.NextAfter;
            pages++;
        }
        while (after is not null);

        seen.ShouldBe(pairs);
        seen.ShouldNotContain(closed);
        pages.ShouldBe(3);

        // Highest score first (ties newest id first), paged the same way.
        var byScore = new List<WorklistRow>();
        after = null;
        do
        {
            var page = (await clerk.ListAsync(new ListWorklistQuery(Source: source, Order: WorklistOrders.Score, After: after, PageSize: 2))).Value!;
            byScore.AddRange(page.Rows);
            after = page.NextAfter;
        }
        while (after is not null);

        byScore.Select(r => r.PairId).ShouldBe(byScore.OrderByDescending(r => r.Score).ThenByDescending(r => r.PairId).Select(r => r.PairId));
        byScore.Count.ShouldBe(5);

        // Filters: status research only.
        var research = (await clerk.ListAsync(new ListWorklistQuery(PairStatuses.Research, source))).Value!;
        research.Rows.Select(r => r.PairId).ShouldBe([pairs[4]]);
        research.Open.ShouldBe(1);

        // A bad status, source, order or page link is refused with nothing listed.
        (await clerk.ListAsync(new ListWorklistQuery("linked"))).Error!.Kind.ShouldBe(ErrorKind.Invalid);
        (await clerk.ListAsync(new ListWorklistQuery(Source: "fax"))).Error!.Kind.ShouldBe(ErrorKind.Invalid);
        (await clerk.ListAsync(new ListWorklistQuery(After: "s0.5_1"))).Error!.Kind.ShouldBe(ErrorKind.Invalid);

        // One audit row per page listed (3 + 3 + 1), each naming the pairs and the records it showed.
        (await CountAsync($"SELECT count(*) FROM audit.access_events WHERE user_id = '{clerk.Persona.Id}' AND resource_type = 'DuplicateWorklist' AND action = 'search'"))
            .ShouldBe(7);
        (await CountAsync($"""
            SELECT count(*) FROM audit.access_events WHERE user_id = '{clerk.Persona.Id}' AND resource_type = 'DuplicateWorklist'
              AND details LIKE '%pairs={pairs[0]},{pairs[1]};%'
            """)).ShouldBe(1);

        // Only Mpi.Review lists it.
        await using var physician = await SignInAsync(Roles.Physician);
        (await physician.ListAsync(new ListWorklistQuery())).Error!.Kind.ShouldBe(ErrorKind.Forbidden);
    }

    [Fact]
    public async Task Not_the_same_person_is_remembered_research_needs_a_note_and_a_stale_form_changes_nothing()
    {
        var a = await CandidatePairs.PatientAsync(Db, "Nora", "Apart");
        var b = await CandidatePairs.PatientAsync(Db, "Norah", "Apart");
        var pair = await CandidatePairs.AddAsync(Db, a, b);
        await using var clerk = await SignInAsync(Roles.HimClerk);
        var version = await CandidatePairs.VersionAsync(Db, pair);

        // Bad input: no decision, research without a note.
        (await clerk.DecideAsync(pair, "merge", version)).Error!.Kind.ShouldBe(ErrorKind.Invalid);
        var noNote = await clerk.DecideAsync(pair, PairDecisions.NeedsResearch, version, "  ");
        noNote.Error!.Kind.ShouldBe(ErrorKind.Invalid);
        noNote.Error.Field.ShouldBe(nameof(DecidePairCommand.Note));

        var research = await clerk.DecideAsync(pair, PairDecisions.NeedsResearch, version, "Call the patient about the phone number");
        research.Value!.Status.ShouldBe(PairStatuses.Research);

        // The form opened before the research decision is stale now: nothing changes.
        var stale = await clerk.DecideAsync(pair, PairDecisions.NotSamePerson, version);
        stale.Error.ShouldBe(MpiErrors.StalePair);
        (await Db.ScalarAsync<string>($"SELECT status FROM mpi.candidate_pairs WHERE id = {pair}")).ShouldBe(PairStatuses.Research);

        var apart = await clerk.DecideAsync(pair, PairDecisions.NotSamePerson, await CandidatePairs.VersionAsync(Db, pair), "Different mothers' names");
        apart.Value!.Status.ShouldBe(PairStatuses.NotDuplicate);
        apart.Value.PersonId.ShouldBeNull();

        // Remembered: off the worklist, refused if decided again, no link, every decision on record, audited under both.
        (await clerk.DecideAsync(pair, PairDecisions.SamePerson, await CandidatePairs.VersionAsync(Db, pair))).Error.ShouldBe(MpiErrors.Decided);
        (await CountAsync($"SELECT count(*) FROM mpi.person_links WHERE patient_id IN ('{a}', '{b}')")).ShouldBe(0);
        (await Db.ScalarAsync<string>($"SELECT string_agg(decision, ',' ORDER BY id) FROM mpi.pair_decisions WHERE pair_id = {pair}"))
            .ShouldBe("needs-research,not-same-person");
        (await Db.ScalarAsync<Guid>($"SELECT decided_by_user_id FROM mpi.candidate_pairs WHERE id = {pair}")).ShouldBe(clerk.Persona.Id);
        (await CountAsync($"""
            SELECT count(*) FROM audit.access_events WHERE resource_type = 'CandidatePair' AND resource_id = '{pair}' AND action = 'update'
              AND outcome = 'success' AND patient_id IN ('{a}', '{b}')
            """)).ShouldBe(4);
        var listed = (await clerk.ListAsync(new ListWorklistQuery(PageSize: 100))).Value!;
        listed.Rows.ShouldNotContain(r => r.PairId == pair);
    }

    [Fact]
    public async Task Two_records_with_clinical_data_need_a_second_reviewer_and_the_first_may_not_confirm_their_own()
    {
        var smallest = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        var cortes = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        var pair = await CandidatePairs.AddAsync(Db, smallest, cortes, score: 0.91);
        await using var clerk = await SignInAsync(Roles.HimClerk);
        await using var manager = await SignInAsync(Roles.HimManager);

        // The preview: both hold clinical data, so the pair page says a second reviewer is needed (no settings row: on).
        var view = (await clerk.PairAsync(pair)).Value!;
        view.Preview.BothHoldClinicalData.ShouldBeTrue();
        view.SecondReviewerNeeded.ShouldBeTrue();
        view.Preview.Warnings.ShouldContain(w => w.StartsWith("Both records hold clinical data", StringComparison.Ordinal));
        var encounters = view.Preview.Sections.Single(s => s.Section == RecordContents.Encounters);
        encounters.Together.Count.ShouldBe(encounters.A.Count + encounters.B.Count);
        encounters.Together.From.ShouldNotBeNull();
        view.Fields.Single(f => f.Field == "given").Note.ShouldBe("nickname");
        view.A.SsnLast4?.Length.ShouldBe(4);

        var first = await clerk.DecideAsync(pair, PairDecisions.SamePerson, view.Version);
        first.Value!.Status.ShouldBe(PairStatuses.AwaitingSecond);
        first.Value.PersonId.ShouldBeNull();
        (await CountAsync($"SELECT count(*) FROM mpi.person_links WHERE patient_id IN ('{smallest}', '{cortes}')")).ShouldBe(0);

        // The same reviewer is refused, and the refusal audited; nothing changes.
        var again = await clerk.DecideAsync(pair, PairDecisions.SamePerson, await CandidatePairs.VersionAsync(Db, pair));
        again.Error.ShouldBe(MpiErrors.SameReviewer);
        (await clerk.PairAsync(pair)).Value!.MayConfirm.ShouldBeFalse();
        (await CountAsync($"SELECT count(*) FROM audit.access_events WHERE user_id = '{clerk.Persona.Id}' AND outcome = 'denied' AND resource_id = '{pair}'"))
            .ShouldBe(1);
        (await Db.ScalarAsync<string>($"SELECT status FROM mpi.candidate_pairs WHERE id = {pair}")).ShouldBe(PairStatuses.AwaitingSecond);

        // Another reviewer links them through the writer: one person of both records.
        var second = await manager.DecideAsync(pair, PairDecisions.SamePerson, await CandidatePairs.VersionAsync(Db, pair), "Same SSN on the paper chart");
        second.Value!.Status.ShouldBe(PairStatuses.Linked);
        second.Value.PersonId.ShouldNotBeNull();
        (await manager.RecordsOfAsync(cortes)).ShouldBe([cortes, smallest]);
        (await Db.ScalarAsync<string>($"SELECT string_agg(decision, ',' ORDER BY id) FROM mpi.pair_decisions WHERE pair_id = {pair}"))
            .ShouldBe("first-review,same-person");
        (await CountAsync($"SELECT count(*) FROM mpi.person_links WHERE pair_id = {pair} AND linked_by_user_id = '{manager.Persona.Id}' AND unlinked_at IS NULL"))
            .ShouldBe(2);

        // Leave the shared records apart again for the other tests.
        var link = (await manager.PersonAsync(cortes)).Value!.Records[0].Link!.Id;
        (await manager.UnlinkAsync(cortes, link, "Test over: separating the shared records again")).IsSuccess.ShouldBeTrue();
    }

    [Fact]
    public async Task A_link_then_an_unlink_restores_each_chart_exactly_closes_links_without_deleting_and_keeps_the_pair_apart()
    {
        var imaging = await ClinicalData.PatientIdAsync(Db, ClinicalData.WithImaging);
        var bare = await CandidatePairs.PatientAsync(Db, "Bare", "Record");
        var pair = await CandidatePairs.AddAsync(Db, imaging, bare, score: 0.88);
        await using var manager = await SignInAsync(Roles.HimManager);
        var before = Json(await manager.ChartAsync(imaging));
        var versionsBefore = await Db.ScalarAsync<long>($"SELECT coalesce(sum(version), 0)::bigint FROM clinical.record_versions WHERE record_id IN ('{imaging}', '{bare}')");

        // One record holds no clinical data: no second reviewer, the first "same person" links.
        var linked = await manager.DecideAsync(pair, PairDecisions.SamePerson, await CandidatePairs.VersionAsync(Db, pair));
        linked.Value!.Status.ShouldBe(PairStatuses.Linked);
        var person = (await manager.PersonAsync(bare)).Value!;
        person.IsLinked.ShouldBeTrue();
        person.Records.Select(r => r.Id).ShouldBe([bare, imaging]);
        person.Records.ShouldAllBe(r => r.Link != null && r.Link.PairId == pair);

        // A reason is required; a stale link id changes nothing.
        (await manager.UnlinkAsync(bare, person.Records[0].Link!.Id, "wrong")).Error!.Kind.ShouldBe(ErrorKind.Invalid);
        (await manager.UnlinkAsync(bare, person.Records[1].Link!.Id, "Not the same person: different mothers")).Error.ShouldBe(MpiErrors.NotLinked);

        var unlinked = await manager.UnlinkAsync(bare, person.Records[0].Link!.Id, "Not the same person: the birth certificate differs");
        unlinked.Value!.Records.ShouldBe([imaging, bare], ignoreOrder: true);
        unlinked.Value.Pairs.ShouldBe([pair]);

        // Each record reads exactly as before; the links are closed, not deleted; the versions moved on.
        Json(await manager.ChartAsync(imaging)).ShouldBe(before);
        (await manager.RecordsOfAsync(imaging)).ShouldBe([imaging]);
        (await CountAsync($"SELECT count(*) FROM mpi.person_links WHERE patient_id IN ('{imaging}', '{bare}')")).ShouldBe(2);
        (await CountAsync($"SELECT count(*) FROM mpi.person_links WHERE patient_id IN ('{imaging}', '{bare}') AND unlinked_at IS NOT NULL AND unlink_reason IS NOT NULL")).ShouldBe(2);
        (await Db.ScalarAsync<long>($"SELECT coalesce(sum(version), 0)::bigint FROM clinical.record_versions WHERE record_id IN ('{imaging}', '{bare}')"))
            .ShouldBeGreaterThan(versionsBefore);
        (await Db.ScalarAsync<string>($"SELECT status FROM mpi.candidate_pairs WHERE id = {pair}")).ShouldBe(PairStatuses.Unlinked);
        (await Db.ScalarAsync<string>($"SELECT string_agg(decision, ',' ORDER BY id) FROM mpi.pair_decisions WHERE pair_id = {pair}")).ShouldBe("same-person,unlinked");
        (await CountAsync($"SELECT count(*) FROM audit.access_events WHERE resource_type = 'PersonLink' AND patient_id IN ('{imaging}', '{bare}')")).ShouldBe(2);

        // The person page shows the history of closed links.
        var after = (await manager.PersonAsync(imaging)).Value!;
        after.IsLinked.ShouldBeFalse();
        after.History.Count.ShouldBe(2);
        after.History.ShouldAllBe(l => l.UnlinkedAt != null && l.UnlinkedBy != null);
    }

    [Fact]
    public async Task An_overlay_correction_moves_the_picked_encounter_and_opens_an_incident_only_when_the_chart_was_seen_outside_HIM_work()
    {
        var cortes = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        var first = await CandidatePairs.PatientAsync(Db, "Otto", "Verlay", "MRN-OV-" + Guid.NewGuid().ToString("N")[..6]);
        var second = await CandidatePairs.PatientAsync(Db, "Olga", "Verlay", "MRN-OV-" + Guid.NewGuid().ToString("N")[..6]);
        var encounters = await Db.ScalarAsync<Guid[]>($"SELECT array_agg(id ORDER BY period_start, id) FROM clinical.encounters WHERE patient_id = '{cortes}'");
        await using var clerk = await SignInAsync(Roles.HimClerk);
        var form = (await clerk.RunAsync(s => s.GetRequiredService<GetOverlayHandler>().HandleAsync(new GetOverlayQuery(cortes), CancellationToken.None))).Value!;
        form.Items.ShouldContain(i => i.Key == "Encounter:" + encounters[0]);

        Task<Result<OverlayCorrected>> CorrectAsync(Guid to, Guid encounter, long version, string? reason = "Registration put another person's visit on this record") =>
            clerk.RunAsync(async s => await s.GetRequiredService<CorrectOverlayHandler>().HandleAsync(new CorrectOverlayCommand(cortes,
                await Db.ScalarAsync<string>($"SELECT mrn FROM clinical.patients WHERE id = '{to}'"), ["Encounter:" + encounter], reason, version), CancellationToken.None));

        // Bad input changes nothing.
        (await CorrectAsync(first, encounters[0], form.RecordVersion, "short")).Error!.Kind.ShouldBe(ErrorKind.Invalid);

        // An HIM clerk's view of the chart is their work: moved, no incident.
        await Db.WriteAsync(DateTimeOffset.UtcNow, new AuditRecord(AuditAction.View, AuditOutcome.Success, "Chart", null, cortes, "HOPERAT", "sections=demographics,documents; basis=role"),
            new AuditActor(clerk.Persona.Id, clerk.Persona.Email, [Roles.HimClerk], "10.0.0.8", "xunit", null));
        var quiet = (await CorrectAsync(first, encounters[0], form.RecordVersion)).Value!;
        quiet.IncidentId.ShouldBeNull();
        (await CountAsync($"SELECT count(*) FROM clinical.encounters WHERE patient_id = '{first}'")).ShouldBe(1);
        (await CountAsync($"SELECT count(*) FROM clinical.entered_in_error WHERE resource_id = '{encounters[0]}' AND cleared_at IS NULL")).ShouldBe(1);
        (await CountAsync($"SELECT count(*) FROM audit.access_events WHERE resource_type = 'Correction' AND resource_id = '{quiet.CorrectionId}' AND patient_id IN ('{cortes}', '{first}')"))
            .ShouldBe(2);

        // A stale form (the record moved on with the first correction) changes nothing.
        (await CorrectAsync(second, encounters[1], form.RecordVersion)).IsSuccess.ShouldBeFalse();

        // A physician opened the chart meanwhile: the next overlay correction opens an incident with that view and a notice.
        var physician = await Personas.CreateAsync(clerk.Services, Roles.Physician);
        await Db.WriteAsync(DateTimeOffset.UtcNow, new AuditRecord(AuditAction.View, AuditOutcome.Success, "Chart", null, cortes, "TREAT", "sections=encounters,results; basis=assignment"),
            new AuditActor(physician.Id, physician.Email, [Roles.Physician], "10.0.0.9", "xunit", null));
        var fresh = (await clerk.RunAsync(s => s.GetRequiredService<GetOverlayHandler>().HandleAsync(new GetOverlayQuery(cortes), CancellationToken.None))).Value!;
        var loud = (await CorrectAsync(second, encounters[1], fresh.RecordVersion)).Value!;
        loud.IncidentId.ShouldNotBeNull();
        loud.NoticesSent.ShouldBe(1);
        (await Db.ScalarAsync<string>($"SELECT kind || '|' || coalesce(document_id::text, 'none') || '|' || right_patient_id FROM compliance.privacy_incidents WHERE id = '{loud.IncidentId}'"))
            .ShouldBe($"overlay|none|{second}");
        (await CountAsync($"SELECT count(*) FROM compliance.privacy_incident_accesses WHERE incident_id = '{loud.IncidentId}'")).ShouldBe(1);
    }

    private static string Json(ChartRead<ChartView> read)
    {
        read.Content.ShouldNotBeNull();
        return JsonSerializer.Serialize(read.Content);
    }
}
