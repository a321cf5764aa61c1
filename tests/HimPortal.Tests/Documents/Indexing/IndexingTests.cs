using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Documents.DispositionDocument;
using HimPortal.Application.Documents.FileDocument;
using HimPortal.Application.Documents.ListQueue;
using HimPortal.Application.Documents.MergeDocuments;
using HimPortal.Application.Documents.RemoveBlankPages;
using HimPortal.Application.Documents.RotatePage;
using HimPortal.Application.Documents.SaveDocumentType;
using HimPortal.Application.Documents.SplitDocument;
using HimPortal.Data.Documents;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Documents.Indexing;

public sealed class IndexingDatabase : IAsyncLifetime
{
    public TestDatabase Database { get; } = new();

    public async Task InitializeAsync()
    {
        await Database.InitializeAsync();
        await ClinicalData.ImportAsync(Database, ClinicalData.Smallest, ClinicalData.Cortes);
    }

    public Task DisposeAsync() => Database.DisposeAsync();
}

/// <summary>
/// Indexing (issue 15 item 3): the queue's order, filters and keyset pages; filing into the chart with its history and
/// audit; each command's stale form and bad input changing nothing; split, merge, blank pages, rotation; dispositions;
/// the catalogue.
/// </summary>
public sealed class IndexingTests(IndexingDatabase fixture) : IClassFixture<IndexingDatabase>
{
    private TestDatabase Db => fixture.Database;

    private ServiceProvider Clerk(out Guid userId)
    {
        var actor = new TestActor();
        userId = Guid.NewGuid();
        actor.ActAs(userId, "clerk@test.himportal.example", Roles.HimClerk);
        return Db.Services(actor);
    }

    private ServiceProvider Manager()
    {
        var actor = new TestActor();
        actor.ActAs(Guid.NewGuid(), "manager@test.himportal.example", Roles.HimManager);
        return Db.Services(actor);
    }

    private static async Task<TResult> RunAsync<THandler, TResult>(IServiceProvider services, Func<THandler, Task<TResult>> call)
        where THandler : notnull
    {
        await using var scope = services.CreateAsyncScope();
        return await call(scope.ServiceProvider.GetRequiredService<THandler>());
    }

    private Task<long> CountAsync(string sql) => Db.ScalarAsync<long>(sql);

    [Fact]
    public async Task The_queue_lists_the_oldest_first_a_page_at_a_time_by_keyset_and_filters_by_source_date_and_status()
    {
        await using var services = Clerk(out _);
        var source = "q-" + Guid.NewGuid().ToString("N")[..8];
        var start = new DateTimeOffset(2031, 3, 1, 8, 0, 0, TimeSpan.Zero);
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            // Made newest first, so that the order is the received time's, not the insertion's.
            ids.Insert(0, await ScannedDocuments.CreateAsync(services, 1, source, start.AddHours(4 - i)));
        }

        var held = await ScannedDocuments.CreateAsync(services, 2, source, start, ScannedDocumentStatus.Held);
        await ScannedDocuments.CreateAsync(services, 1, source + "-other", start);

        var seen = new List<Guid>();
        string? after = null;
        var pages = 0;
        do
        {
            var page = await RunAsync<ListQueueHandler, Result<QueuePage>>(services, h => h.HandleAsync(new ListQueueQuery(Source: source, After: after, PageSize: 2), default));
            page.Error.ShouldBeNull();
            seen.AddRange(page.Value!.Documents.Select(d => d.Id));
            after = page.Value.NextAfter;
            pages++;
        }
        while (after is not null);

        seen.ShouldBe(ids, "oldest first, each once, across keyset pages");
        pages.ShouldBe(3);

        var heldPage = await RunAsync<ListQueueHandler, Result<QueuePage>>(services, h => h.HandleAsync(new ListQueueQuery(ScannedDocumentStatus.Held, source), default));
        heldPage.Value!.Documents.Select(d => d.Id).ShouldBe([held]);

        var oneDay = await RunAsync<ListQueueHandler, Result<QueuePage>>(services,
            h => h.HandleAsync(new ListQueueQuery(Source: source, From: new DateOnly(2031, 3, 1), To: new DateOnly(2031, 3, 1)), default));
        oneDay.Value!.Documents.Count.ShouldBe(5);
        var none = await RunAsync<ListQueueHandler, Result<QueuePage>>(services,
            h => h.HandleAsync(new ListQueueQuery(Source: source, From: new DateOnly(2031, 3, 2)), default));
        none.Value!.Documents.ShouldBeEmpty();

        var damaged = await RunAsync<ListQueueHandler, Result<QueuePage>>(services, h => h.HandleAsync(new ListQueueQuery(After: "not-a-link"), default));
        damaged.Error!.Kind.ShouldBe(ErrorKind.Invalid);
    }

    [Fact]
    public async Task Filing_puts_the_document_in_the_patients_record_with_its_history_labels_and_an_audit_row_naming_the_patient()
    {
        await using var services = Clerk(out var clerkId);
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        var encounterId = await Db.ScalarAsync<Guid>($"SELECT id FROM clinical.encounters WHERE patient_id = '{patientId}' ORDER BY period_start LIMIT 1");
        var label = await Db.ScalarAsync<string>("SELECT code FROM access.sensitivity_labels WHERE active ORDER BY code LIMIT 1");
        var documentId = await ScannedDocuments.CreateAsync(services, 3);
        var version = (await ScannedDocuments.ReadAsync(services, documentId)).Version;

        var filed = await RunAsync<FileDocumentHandler, Result<FiledDocument>>(services, h => h.HandleAsync(new FileDocumentCommand(
            documentId, version, patientId, encounterId, DocumentTypeSeed.HistoryAndPhysical, new DateOnly(2024, 5, 2), new DateOnly(2024, 5, 1),
            "Dr. Outside", true, new DateTimeOffset(2024, 5, 2, 0, 0, 0, TimeSpan.Zero), [label]), default));

        filed.Error.ShouldBeNull();
        var document = await ScannedDocuments.ReadAsync(services, documentId);
        document.Status.ShouldBe(ScannedDocumentStatus.Filed);
        document.PatientId.ShouldBe(patientId);
        document.ClinicalNoteId.ShouldBe(filed.Value!.ClinicalNoteId);
        document.IndexedByUserId.ShouldBe(clerkId);
        document.IndexedBy.ShouldBe("clerk");
        (await CountAsync($"SELECT count(*) FROM clinical.clinical_notes WHERE id = '{document.ClinicalNoteId}' AND patient_id = '{patientId}' AND encounter_id = '{encounterId}' AND fhir_id = 'scan-{documentId}' AND type_code = '34117-2'")).ShouldBe(1);
        (await CountAsync($"SELECT count(*) FROM documents.filings WHERE document_id = '{documentId}' AND kind = 'filed' AND patient_id = '{patientId}' AND by_user_id = '{clerkId}'")).ShouldBe(1);
        (await CountAsync($"SELECT count(*) FROM audit.access_events WHERE user_id = '{clerkId}' AND action = 'create' AND resource_type = 'ScannedDocument' AND resource_id = '{documentId}' AND patient_id = '{patientId}'")).ShouldBe(1);
        (await CountAsync($"SELECT count(*) FROM access.item_sensitivity_labels WHERE resource_type = 'DocumentReference' AND resource_id = '{document.ClinicalNoteId}' AND label_code = '{label}' AND patient_id = '{patientId}'")).ShouldBe(1);

        // Filed once: the same form again is stale, and a fresh one finds it no longer waiting.
        var again = await RunAsync<FileDocumentHandler, Result<FiledDocument>>(services, h => h.HandleAsync(new FileDocumentCommand(
            documentId, document.Version, patientId, null, DocumentTypeSeed.Consent, new DateOnly(2024, 5, 2), null, null, false, null, []), default));
        again.Error!.Kind.ShouldBe(ErrorKind.Conflict);
    }

    [Fact]
    public async Task A_stale_form_or_bad_input_changes_nothing()
    {
        await using var services = Clerk(out _);
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        var otherEncounter = await Db.ScalarAsync<Guid>($"SELECT id FROM clinical.encounters WHERE patient_id <> '{patientId}' LIMIT 1");
        var documentId = await ScannedDocuments.CreateAsync(services, 4);
        var version = (await ScannedDocuments.ReadAsync(services, documentId)).Version;
        var filings = await CountAsync("SELECT count(*) FROM documents.filings");
        var notes = await CountAsync("SELECT count(*) FROM clinical.clinical_notes");

        FileDocumentCommand Good() => new(documentId, version, patientId, null, DocumentTypeSeed.ProgressNote, new DateOnly(2024, 1, 1), null, null, false, null, []);
        var cases = new (string Name, Func<IServiceProvider, Task<Error?>> Run, ErrorKind Kind)[]
        {
            ("stale file", s => RunAsync<FileDocumentHandler, Result<FiledDocument>>(s, h => h.HandleAsync(Good() with { Version = version + 1 }, default)).ContinueWith(t => t.Result.Error), ErrorKind.Conflict),
            ("no type", s => RunAsync<FileDocumentHandler, Result<FiledDocument>>(s, h => h.HandleAsync(Good() with { DocumentTypeId = Guid.Empty }, default)).ContinueWith(t => t.Result.Error), ErrorKind.Invalid),
            ("no date", s => RunAsync<FileDocumentHandler, Result<FiledDocument>>(s, h => h.HandleAsync(Good() with { DocumentDate = null }, default)).ContinueWith(t => t.Result.Error), ErrorKind.Invalid),
            ("another patient's encounter", s => RunAsync<FileDocumentHandler, Result<FiledDocument>>(s, h => h.HandleAsync(Good() with { EncounterId = otherEncounter }, default)).ContinueWith(t => t.Result.Error), ErrorKind.Invalid),
            ("no such patient", s => RunAsync<FileDocumentHandler, Result<FiledDocument>>(s, h => h.HandleAsync(Good() with { PatientId = Guid.NewGuid() }, default)).ContinueWith(t => t.Result.Error), ErrorKind.Invalid),
            ("unknown label", s => RunAsync<FileDocumentHandler, Result<FiledDocument>>(s, h => h.HandleAsync(Good() with { Labels = ["NOPE"] }, default)).ContinueWith(t => t.Result.Error), ErrorKind.Invalid),
            ("stale split", s => RunAsync<SplitDocumentHandler, Result<SplitResult>>(s, h => h.HandleAsync(new SplitDocumentCommand(documentId, version + 1, "1-2,3-4"), default)).ContinueWith(t => t.Result.Error), ErrorKind.Conflict),
            ("split losing a page", s => RunAsync<SplitDocumentHandler, Result<SplitResult>>(s, h => h.HandleAsync(new SplitDocumentCommand(documentId, version, "1-2,4"), default)).ContinueWith(t => t.Result.Error), ErrorKind.Invalid),
            ("split past the end", s => RunAsync<SplitDocumentHandler, Result<SplitResult>>(s, h => h.HandleAsync(new SplitDocumentCommand(documentId, version, "1-2,3-9"), default)).ContinueWith(t => t.Result.Error), ErrorKind.Invalid),
            ("split gibberish", s => RunAsync<SplitDocumentHandler, Result<SplitResult>>(s, h => h.HandleAsync(new SplitDocumentCommand(documentId, version, "one to two"), default)).ContinueWith(t => t.Result.Error), ErrorKind.Invalid),
            ("stale rotate", s => RunAsync<RotatePageHandler, Result<short>>(s, h => h.HandleAsync(new RotatePageCommand(documentId, version + 1, Guid.NewGuid(), true), default)).ContinueWith(t => t.Result.Error), ErrorKind.Conflict),
            ("rotate another page", s => RunAsync<RotatePageHandler, Result<short>>(s, h => h.HandleAsync(new RotatePageCommand(documentId, version, Guid.NewGuid(), true), default)).ContinueWith(t => t.Result.Error), ErrorKind.Invalid),
            ("stale blank", s => RunAsync<RemoveBlankPagesHandler, Result<Guid>>(s, h => h.HandleAsync(new RemoveBlankPagesCommand(documentId, version + 1, [Guid.NewGuid()]), default)).ContinueWith(t => t.Result.Error), ErrorKind.Conflict),
            ("blank of another document", s => RunAsync<RemoveBlankPagesHandler, Result<Guid>>(s, h => h.HandleAsync(new RemoveBlankPagesCommand(documentId, version, [Guid.NewGuid()]), default)).ContinueWith(t => t.Result.Error), ErrorKind.Invalid),
            ("stale disposition", s => RunAsync<DispositionDocumentHandler, Result<Guid>>(s, h => h.HandleAsync(new DispositionDocumentCommand(documentId, version + 1, ScannedDocumentStatus.Duplicate, "copy"), default)).ContinueWith(t => t.Result.Error), ErrorKind.Conflict),
            ("misdirected without a sender", s => RunAsync<DispositionDocumentHandler, Result<Guid>>(s, h => h.HandleAsync(new DispositionDocumentCommand(documentId, version, ScannedDocumentStatus.Misdirected, "not ours"), default)).ContinueWith(t => t.Result.Error), ErrorKind.Invalid),
            ("disposition as filed", s => RunAsync<DispositionDocumentHandler, Result<Guid>>(s, h => h.HandleAsync(new DispositionDocumentCommand(documentId, version, ScannedDocumentStatus.Filed, "x"), default)).ContinueWith(t => t.Result.Error), ErrorKind.Invalid),
            ("merge with itself", s => RunAsync<MergeDocumentsHandler, Result<Guid>>(s, h => h.HandleAsync(new MergeDocumentsCommand(documentId, version, documentId, version), default)).ContinueWith(t => t.Result.Error), ErrorKind.Invalid),
        };

        foreach (var (name, run, kind) in cases)
        {
            var error = await run(services);
            error.ShouldNotBeNull(name);
            error.Kind.ShouldBe(kind, name);
        }

        var document = await ScannedDocuments.ReadAsync(services, documentId);
        document.Version.ShouldBe(version, "nothing touched the document");
        document.Status.ShouldBe(ScannedDocumentStatus.Unindexed);
        document.PageCount.ShouldBe(4);
        (await CountAsync($"SELECT count(*) FROM documents.document_pages WHERE document_id = '{documentId}' AND rotation = 0")).ShouldBe(4);
        (await CountAsync("SELECT count(*) FROM documents.filings")).ShouldBe(filings);
        (await CountAsync("SELECT count(*) FROM clinical.clinical_notes")).ShouldBe(notes);
    }

    [Fact]
    public async Task A_document_splits_by_page_ranges_and_merges_back_with_nothing_lost_and_every_step_in_its_history()
    {
        await using var services = Clerk(out _);
        var documentId = await ScannedDocuments.CreateAsync(services, 5);
        var pageOrder = await PagesAsync(documentId);

        var split = await RunAsync<SplitDocumentHandler, Result<SplitResult>>(services, h => h.HandleAsync(
            new SplitDocumentCommand(documentId, Version(services, documentId), "1-2, 3-5"), default));

        split.Error.ShouldBeNull();
        var parts = split.Value!.DocumentIds;
        parts.Count.ShouldBe(2);
        parts[0].ShouldBe(documentId);
        (await PagesAsync(parts[0])).ShouldBe(pageOrder[..2]);
        (await PagesAsync(parts[1])).ShouldBe(pageOrder[2..]);
        var second = await ScannedDocuments.ReadAsync(services, parts[1]);
        second.Status.ShouldBe(ScannedDocumentStatus.Unindexed);
        second.PageCount.ShouldBe(3);
        second.ReceivedAt.ShouldBe((await ScannedDocuments.ReadAsync(services, documentId)).ReceivedAt, "a part keeps its place in the queue");
        (await CountAsync($"SELECT count(*) FROM documents.filings WHERE kind = 'split' AND document_id IN ('{parts[0]}','{parts[1]}')")).ShouldBe(2);

        var merged = await RunAsync<MergeDocumentsHandler, Result<Guid>>(services, h => h.HandleAsync(
            new MergeDocumentsCommand(documentId, Version(services, documentId), parts[1], Version(services, parts[1])), default));

        merged.Error.ShouldBeNull();
        (await PagesAsync(documentId)).ShouldBe(pageOrder);
        (await ScannedDocuments.ReadAsync(services, documentId)).PageCount.ShouldBe(5);
        var emptied = await ScannedDocuments.ReadAsync(services, parts[1]);
        emptied.Status.ShouldBe(ScannedDocumentStatus.Merged);
        emptied.PageCount.ShouldBe(0);
        (await CountAsync($"SELECT count(*) FROM documents.documents WHERE id = '{parts[1]}'")).ShouldBe(1, "never deleted");
        (await CountAsync($"SELECT count(*) FROM documents.filings WHERE kind = 'merged' AND document_id IN ('{parts[0]}','{parts[1]}')")).ShouldBe(2);
    }

    [Fact]
    public async Task Blank_pages_go_to_a_kept_blank_document_and_a_page_turns_a_quarter()
    {
        await using var services = Clerk(out _);
        var documentId = await ScannedDocuments.CreateAsync(services, 3, blank: [2]);
        var pages = await PagesAsync(documentId);

        var blank = await RunAsync<RemoveBlankPagesHandler, Result<Guid>>(services, h => h.HandleAsync(
            new RemoveBlankPagesCommand(documentId, Version(services, documentId), [pages[1]]), default));

        blank.Error.ShouldBeNull();
        (await PagesAsync(documentId)).ShouldBe([pages[0], pages[2]]);
        (await PagesAsync(blank.Value)).ShouldBe([pages[1]]);
        (await ScannedDocuments.ReadAsync(services, blank.Value)).Status.ShouldBe(ScannedDocumentStatus.Blank);

        var all = await RunAsync<RemoveBlankPagesHandler, Result<Guid>>(services, h => h.HandleAsync(
            new RemoveBlankPagesCommand(documentId, Version(services, documentId), [pages[0], pages[2]]), default));
        all.Error!.Kind.ShouldBe(ErrorKind.Invalid);

        var turned = await RunAsync<RotatePageHandler, Result<short>>(services, h => h.HandleAsync(
            new RotatePageCommand(documentId, Version(services, documentId), pages[2], false), default));
        turned.Value.ShouldBe((short)270);
        (await CountAsync($"SELECT count(*) FROM documents.document_pages WHERE page_id = '{pages[2]}' AND rotation = 270")).ShouldBe(1);
    }

    [Fact]
    public async Task Dispositions_keep_the_document_with_the_reason_and_a_misdirected_one_names_the_sender_and_gets_a_valid_letter()
    {
        await using var services = Clerk(out _);
        var held = await ScannedDocuments.CreateAsync(services, 1);
        var misdirected = await ScannedDocuments.CreateAsync(services, 2);

        (await RunAsync<DispositionDocumentHandler, Result<Guid>>(services, h => h.HandleAsync(
            new DispositionDocumentCommand(held, Version(services, held), ScannedDocumentStatus.Held, "Patient not registered yet"), default))).Error.ShouldBeNull();
        (await RunAsync<DispositionDocumentHandler, Result<Guid>>(services, h => h.HandleAsync(
            new DispositionDocumentCommand(misdirected, Version(services, misdirected), ScannedDocumentStatus.Misdirected, "Patient of another clinic", "Valley Clinic", NotifiedBy.Fax), default))).Error.ShouldBeNull();

        (await ScannedDocuments.ReadAsync(services, held)).Status.ShouldBe(ScannedDocumentStatus.Held);
        var sent = await ScannedDocuments.ReadAsync(services, misdirected);
        sent.Status.ShouldBe(ScannedDocumentStatus.Misdirected);
        sent.Reason!.ShouldContain("sender: Valley Clinic; notified by fax");
        (await CountAsync($"SELECT count(*) FROM documents.filings WHERE kind = 'dispositioned' AND document_id IN ('{held}','{misdirected}')")).ShouldBe(2);

        // A held document can still be filed once the patient is registered.
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        (await RunAsync<FileDocumentHandler, Result<FiledDocument>>(services, h => h.HandleAsync(new FileDocumentCommand(
            held, Version(services, held), patientId, null, DocumentTypeSeed.Correspondence, new DateOnly(2024, 2, 2), null, null, false, null, []), default))).Error.ShouldBeNull();

        var letter = MisdirectedLetter.Write("General Hospital", "Valley Clinic – fax desk", misdirected, sent.ReceivedAt, 2, new DateOnly(2026, 12, 6));
        await Qpdf.CheckAsync(letter);
        var text = string.Join(" ", UglyToad.PdfPig.PdfDocument.Open(letter).GetPages().Select(p => p.Text));
        text.ShouldContain("Valley Clinic ? fax desk");
        text.ShouldContain(misdirected.ToString("D"));
    }

    [Fact]
    public async Task The_catalogue_adds_renames_recodes_and_retires_types_checking_the_loinc_code_and_the_version()
    {
        await using var services = Manager();
        var name = "Wound photo " + Guid.NewGuid().ToString("N")[..6];
        var added = await RunAsync<SaveDocumentTypeHandler, Result<Guid>>(services, h => h.HandleAsync(new SaveDocumentTypeCommand(null, 0, name, "72170-4", 500), default));
        added.Error.ShouldBeNull();
        var version = await Db.ScalarAsync<long>($"SELECT xmin::text::bigint FROM documents.document_types WHERE id = '{added.Value}'");

        var badLoinc = await RunAsync<SaveDocumentTypeHandler, Result<Guid>>(services, h => h.HandleAsync(new SaveDocumentTypeCommand(added.Value, (uint)version, name, "72170", 500), default));
        badLoinc.Error!.Kind.ShouldBe(ErrorKind.Invalid);
        var taken = await RunAsync<SaveDocumentTypeHandler, Result<Guid>>(services, h => h.HandleAsync(new SaveDocumentTypeCommand(added.Value, (uint)version, "Consent", null, 500), default));
        taken.Error!.Kind.ShouldBe(ErrorKind.Conflict);
        var stale = await RunAsync<SaveDocumentTypeHandler, Result<Guid>>(services, h => h.HandleAsync(new SaveDocumentTypeCommand(added.Value, (uint)version + 1, name + " x", null, 500), default));
        stale.Error!.Kind.ShouldBe(ErrorKind.Conflict);

        var retired = await RunAsync<SaveDocumentTypeHandler, Result<Guid>>(services, h => h.HandleAsync(new SaveDocumentTypeCommand(added.Value, (uint)version, name + " (old)", null, 510, Active: false), default));
        retired.Error.ShouldBeNull();
        (await CountAsync($"SELECT count(*) FROM documents.document_types WHERE id = '{added.Value}' AND name = '{name} (old)' AND loinc_code IS NULL AND NOT active AND sort_order = 510")).ShouldBe(1);

        await using var clerk = Clerk(out _);
        var refused = await RunAsync<SaveDocumentTypeHandler, Result<Guid>>(clerk, h => h.HandleAsync(new SaveDocumentTypeCommand(null, 0, "Clerk's type", null, 1), default));
        refused.Error!.Kind.ShouldBe(ErrorKind.Forbidden);
    }

    private async Task<Guid[]> PagesAsync(Guid documentId)
    {
        await using var connection = new Npgsql.NpgsqlConnection(Db.SuperuserConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand($"SELECT page_id FROM documents.document_pages WHERE document_id = '{documentId}' ORDER BY ordinal", connection);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return [.. ids];
    }

    private static uint Version(IServiceProvider services, Guid documentId) => ScannedDocuments.ReadAsync(services, documentId).GetAwaiter().GetResult().Version;
}
