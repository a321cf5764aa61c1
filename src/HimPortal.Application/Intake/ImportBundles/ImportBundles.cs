using System.Buffers;
using System.Data;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Unicode;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Relationships;
using HimPortal.Application.Audit;
using HimPortal.Application.Clinical;
using HimPortal.Application.Clinical.Records;
using HimPortal.Application.Common;
using HimPortal.Application.Patients.Matching;
using HimPortal.Data.Bulk;
using HimPortal.Data.Records;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace HimPortal.Application.Intake.ImportBundles;

/// <param name="Progress">Told of each file's outcome as soon as it is known (the console prints it; a job shows it).</param>
/// <param name="Feed">
/// How the files came in, recorded with the treatment relationships they bring: "folder:&lt;name&gt;" (a configured server
/// folder; trusted when Access:TrustedFeeds names it), "upload:&lt;id&gt;" (a clerk's upload), or "console".
/// </param>
public sealed record ImportBundlesCommand(IReadOnlyList<BundleFile> Files, IProgress<FileOutcome>? Progress = null, string Feed = "console");

public sealed record FileOutcome(string Path, bool Ok, string? Error)
{
    /// <summary>Failed only because a reference found nothing: worth retrying after the run's other master data.</summary>
    internal bool UnresolvedReference { get; init; }

    public TypeCounts Created { get; init; } = [];
    public TypeCounts Updated { get; init; } = [];
    public TypeCounts Unchanged { get; init; } = [];
    public TypeCounts Skipped { get; init; } = [];

    /// <summary>
    /// The clinical record's ids of the patients the file imported (none for master data). Ids, never names: a job's
    /// result is readable by whoever watches the queue, and pages resolve names for a reader who may see demographics.
    /// </summary>
    public IReadOnlyList<Guid> Patients { get; init; } = [];
}

public sealed record ImportSummary(IReadOnlyList<FileOutcome> Files, TypeCounts Created, TypeCounts Updated, TypeCounts Unchanged, TypeCounts Skipped)
{
    public bool AllOk => Files.All(f => f.Ok);
}

/// <summary>
/// Imports FHIR R4 bundles into the clinical record. Each bundle is imported whole or not at all, in a transaction with
/// an audit row naming its patient. Master data (batch and collection bundles) goes first, so patient bundles' conditional
/// references find their practitioners and organizations whatever order the files came in. Patient bundles then go
/// through one worker per core, each with its own connection: a worker parses bundles while PostgreSQL writes the
/// previous ones, and commits a few megabytes of bundles at a time (each with its own audit row) so that the fixed cost
/// of a transaction and its COPY statements is paid per batch, not per bundle. A batch that fails is rolled back and
/// its bundles imported one by one, so only the bad one fails. Re-importing a bundle changes nothing.
/// The import writes through the clinical record's one writer (<see cref="ClinicalRecordWriter"/>), on plain Npgsql, not EF Core: building the model costs more than
/// importing a small bundle.
/// </summary>
[RequiresPermission(Permissions.IntakeImport)]
public sealed class ImportBundlesHandler(
    PermissionCheck permissions,
    IOptions<IntakeOptions> options,
    BulkConnections connections,
    AuditAppender audit,
    IOptions<AccessOptions> access,
    TimeProvider clock,
    ILogger<ImportBundlesHandler> logger) : Handler<ImportBundlesCommand, Result<ImportSummary>>(permissions)
{
    private readonly PermissionCheck _permissions = permissions;

    private const int MaxIdLength = 128;

    protected override async Task<Result<ImportSummary>> ExecuteAsync(ImportBundlesCommand command, CancellationToken ct)
    {
        var progress = command.Progress;
        var settings = options.Value;
        var run = new Run(settings.MaxBundleBytes, settings.BatchBytes, new FileOutcome?[command.Files.Count], progress)
        {
            Feed = command.Feed,
            Trusted = RelationshipSources.IsTrusted(access.Value, command.Feed),
            Actor = _permissions.Actor,
        };
        var workers = settings.EffectiveWorkers;

        // The connections open (a few round trips and an authentication each) while the first pass reads the files.
        var opening = Enumerable.Range(0, workers).Select(_ => connections.OpenAsync(ct)).ToList();
        try
        {
            await ImportAsync(command, run, opening, ct);
        }
        finally
        {
            await Task.WhenAll(opening.Select(CloseAsync));
        }

        var files = run.Outcomes.Select(o => o!).ToList();
        var summary = new ImportSummary(files, [], [], [], []);
        foreach (var file in files)
        {
            summary.Created.Add(file.Created);
            summary.Updated.Add(file.Updated);
            summary.Unchanged.Add(file.Unchanged);
            summary.Skipped.Add(file.Skipped);
        }

        return Result<ImportSummary>.Success(summary);
    }

    /// <summary>Returns a connection to the pool once it is open; one that failed to open was reported where it was awaited.</summary>
    private static async Task CloseAsync(Task<NpgsqlConnection> opening)
    {
        try
        {
            await (await opening).DisposeAsync();
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or InvalidOperationException)
        {
            // Already on its way out of HandleAsync.
        }
    }

    private async Task ImportAsync(ImportBundlesCommand command, Run run, List<Task<NpgsqlConnection>> opening, CancellationToken ct)
    {
        // A first pass reads only the head of each file for Bundle.type, so master data can go first without keeping
        // every file in memory.
        var kinds = new string?[command.Files.Count];
        var tooLarge = new List<int>();
        for (var i = 0; i < command.Files.Count; i++)
        {
            var file = command.Files[i];
            // A gzip file's announced length is only its trailer's word (and wrong when the file is cut short): what it
            // decompresses to is held to the limit as it is read.
            if (!file.Compressed && file.Length > run.MaxBytes)
            {
                run.Outcomes[i] = Failed(file.Name, $"the file is {file.Length:N0} bytes, over the limit of {run.MaxBytes:N0} (Intake:MaxBundleBytes)");
                tooLarge.Add(i);
                continue;
            }

            kinds[i] = await file.BundleTypeAsync(run.MaxBytes, ct);
        }

        var master = Enumerable.Range(0, kinds.Length).Where(i => run.Outcomes[i] is null && kinds[i] is "batch" or "collection").ToList();
        // Largest first, so that the last batches, written when nothing is left to parse, are the small ones.
        var patients = Enumerable.Range(0, kinds.Length).Where(i => run.Outcomes[i] is null && kinds[i] is not ("batch" or "collection"))
            .OrderByDescending(i => command.Files[i].Length).ToList();

        // Master data goes first. Its bundles are checked and mapped before any is written, and their practitioners,
        // organizations and locations go into the index at once, so that patient bundles are mapped while the master
        // data is written; patient bundles are written only after it, as their rows refer to its rows. Patient bundles
        // are read and parsed meanwhile (while the connections open and the master data is prepared, one core would
        // otherwise wait), and mapped once the index is ready: their conditional references resolve against it.
        var masterPrepared = PrepareMasterDataAsync(opening[0], command, master, run, ct);
        var masterWritten = WriteMasterDataAsync(opening[0], master, masterPrepared, run, ct);

        var next = -1;
        await Task.WhenAll(opening.Take(Math.Max(1, patients.Count)).Select(connecting => Task.Run(async () =>
        {
            var batch = new Batch();
            int n;
            while ((n = Interlocked.Increment(ref next)) < patients.Count)
            {
                var i = patients[n];
                var prepared = await PrepareAsync(command.Files[i], i, run, masterPrepared, ct);
                await masterWritten;
                var connection = await connecting;
                if (prepared.Failure is { } failure)
                {
                    await AuditErrorAsync(connection, failure.Path, failure.Error!, ct);
                    run.Complete(i, failure);
                    continue;
                }

                var bundle = prepared.Bundle!;
                // A reference to a resource outside the bundle is checked against what is stored, so such a bundle goes
                // alone, after what this worker already parsed; so does one that shares a resource with the batch.
                if (bundle.MustExist.Count > 0 || !batch.TryAdd(bundle))
                {
                    await WriteAsync(connection, batch, run, ct);
                    if (!batch.TryAdd(bundle))
                    {
                        throw new UnreachableException("An empty batch takes any bundle.");
                    }
                }

                if (bundle.MustExist.Count > 0 || batch.Bytes >= run.BatchBytes)
                {
                    await WriteAsync(connection, batch, run, ct);
                }
            }

            await masterWritten;
            await WriteAsync(await connecting, batch, run, ct);
        }, ct)));
        await masterWritten;

        foreach (var i in tooLarge)
        {
            run.Progress?.Report(run.Outcomes[i]!);
        }
    }

    /// <summary>What one run shares between its workers.</summary>
    private sealed record Run(long MaxBytes, long BatchBytes, FileOutcome?[] Outcomes, IProgress<FileOutcome>? Progress)
    {
        public MasterDataIndex MasterData { get; set; } = null!;

        public string Feed { get; init; } = "console";

        public bool Trusted { get; init; }

        public AuditActor Actor { get; init; } = null!;

        public void Complete(int index, FileOutcome outcome)
        {
            Outcomes[index] = outcome;
            Progress?.Report(outcome);
        }
    }

    /// <summary>One bundle, checked and mapped, ready to write.</summary>
    private sealed record Prepared(int Index, string Name, RecordSet Records, TypeCounts Skipped, Dictionary<string, HashSet<Guid>> MustExist, int Entries, int Bytes);

    /// <summary>The bundles one worker will commit together; no two of them carry the same resource.</summary>
    private sealed class Batch
    {
        private readonly List<Prepared> _bundles = [];
        private readonly HashSet<Guid> _keys = [];

        public IReadOnlyList<Prepared> Bundles => _bundles;

        public long Bytes { get; private set; }

        public bool TryAdd(Prepared bundle)
        {
            var keys = RecordTable.All.SelectMany(t => t.Rows(bundle.Records).Keys).ToList();
            if (keys.Any(_keys.Contains))
            {
                return false;
            }

            _keys.UnionWith(keys);
            _bundles.Add(bundle);
            Bytes += bundle.Bytes;
            return true;
        }

        public void Clear()
        {
            _bundles.Clear();
            _keys.Clear();
            Bytes = 0;
        }
    }

    private readonly record struct PrepareResult(Prepared? Bundle, FileOutcome? Failure);

    /// <summary>
    /// Reads, checks and maps one file; a problem becomes the file's outcome (for the caller to audit). The file is
    /// read and parsed at once, and mapped when <paramref name="masterReady"/> has the master data it may refer to.
    /// </summary>
    private async Task<PrepareResult> PrepareAsync(BundleFile file, int index, Run run, Task masterReady, CancellationToken ct)
    {
        try
        {
            using var bytes = await file.ReadAsync(run.MaxBytes, ct);
            using var parsed = ParsedBundle.Parse(file.Name, bytes);
            await masterReady;
            return new PrepareResult(Prepare(index, file.Name, bytes.Length, parsed, run.MasterData), null);
        }
        catch (BundleProblemException e)
        {
            return new PrepareResult(null, Failed(file.Name, e.Message) with { UnresolvedReference = e.UnresolvedReference });
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever else goes wrong with one file (it cannot be read, a bug on data nobody foresaw) fails that file
            // alone: the run goes on. Only the exception's type is logged, as its message may quote the data.
            logger.LogError("Reading or mapping a bundle failed unexpectedly ({Exception})", e.GetType().Name);
            return new PrepareResult(null, Failed(file.Name, $"the file could not be read or mapped (an unexpected {e.GetType().Name}; the log has the time)"));
        }
    }

    /// <summary>
    /// Loads the index of stored master data, then checks and maps the master-data bundles, each one's identifiers
    /// going into the index as soon as it is mapped. Master-data bundles may refer to each other (roles to
    /// organizations): those whose references failed are tried again while any other succeeded. Returns the bundles
    /// to write, in an order that has every referred row first.
    /// </summary>
    private async Task<List<Prepared>> PrepareMasterDataAsync(
        Task<NpgsqlConnection> connecting, ImportBundlesCommand command, List<int> master, Run run, CancellationToken ct)
    {
        var connection = await connecting;
        run.MasterData = await MasterDataIndex.LoadAsync(connection, ct);
        var bundles = new List<Prepared>();
        var pending = master;
        while (pending.Count > 0)
        {
            var failed = new List<int>();
            foreach (var i in pending)
            {
                var prepared = await PrepareAsync(command.Files[i], i, run, Task.CompletedTask, ct);
                if (prepared.Bundle is { } bundle)
                {
                    AddMasterData(run.MasterData, [bundle]);
                    bundles.Add(bundle);
                    continue;
                }

                var failure = prepared.Failure!;
                await AuditErrorAsync(connection, failure.Path, failure.Error!, ct);
                run.Outcomes[i] = failure;
                if (failure.UnresolvedReference)
                {
                    failed.Add(i);
                }
            }

            pending = failed.Count < pending.Count ? failed : [];
        }

        return bundles;
    }

    /// <summary>
    /// Writes the master-data bundles one by one, again retrying those whose references (to rows of another bundle)
    /// were not there yet. A bundle that fails leaves its identifiers in the index: patient bundles that refer to them
    /// fail at their own write, where the rows they refer to are missing.
    /// </summary>
    private async Task WriteMasterDataAsync(
        Task<NpgsqlConnection> connecting, List<int> master, Task<List<Prepared>> prepared, Run run, CancellationToken ct)
    {
        var bundles = await prepared;
        var connection = await connecting;
        try
        {
            var pending = bundles;
            while (pending.Count > 0)
            {
                var failed = new List<Prepared>();
                foreach (var bundle in pending)
                {
                    var outcome = await WriteAloneAsync(connection, bundle, run, ct);
                    run.Outcomes[bundle.Index] = outcome;
                    if (outcome.UnresolvedReference)
                    {
                        failed.Add(bundle);
                    }
                }

                pending = failed.Count < pending.Count ? failed : [];
            }
        }
        finally
        {
            foreach (var bundle in bundles)
            {
                bundle.Records.Dispose();
            }
        }

        foreach (var i in master)
        {
            run.Progress?.Report(run.Outcomes[i]!);
        }
    }

    /// <summary>Writes the batch in one transaction; if that fails, writes its bundles one by one. Empties the batch.</summary>
    private async Task WriteAsync(NpgsqlConnection connection, Batch batch, Run run, CancellationToken ct)
    {
        var bundles = batch.Bundles.ToList();
        batch.Clear();
        try
        {
            await WriteAsync(connection, bundles, run, ct);
        }
        finally
        {
            foreach (var bundle in bundles)
            {
                bundle.Records.Dispose();
            }
        }
    }

    private async Task WriteAsync(NpgsqlConnection connection, List<Prepared> bundles, Run run, CancellationToken ct)
    {
        if (bundles.Count > 1)
        {
            try
            {
                var outcomes = await InTransactionAsync(connection, transaction => WriteBundlesAsync(connection, transaction, bundles, run, ct), ct);
                AddMasterData(run.MasterData, bundles);
                for (var k = 0; k < bundles.Count; k++)
                {
                    run.Complete(bundles[k].Index, outcomes[k]);
                }

                return;
            }
            catch (Exception e) when (e is PostgresException or BundleProblemException or RecordConflictException)
            {
                // One of them broke the batch (or another worker stored one of its resources first): the others must
                // still import, and the one to blame fail alone with its own message.
                logger.LogWarning("A batch of {Bundles} bundles was rolled back ({Problem}); importing them one at a time",
                    bundles.Count, e switch
                    {
                        PostgresException p => p.SqlState,
                        RecordConflictException => "a resource would cross patients",
                        _ => "a reference resolves to nothing",
                    });
            }
        }

        foreach (var bundle in bundles)
        {
            run.Complete(bundle.Index, await WriteAloneAsync(connection, bundle, run, ct));
        }
    }

    private async Task<FileOutcome> WriteAloneAsync(NpgsqlConnection connection, Prepared bundle, Run run, CancellationToken ct)
    {
        try
        {
            var outcome = (await WithOneRetryOnConflictAsync(() =>
                InTransactionAsync(connection, transaction => WriteBundlesAsync(connection, transaction, [bundle], run, ct), ct)))[0];
            AddMasterData(run.MasterData, [bundle]);
            return outcome;
        }
        catch (BundleProblemException e)
        {
            await AuditErrorAsync(connection, bundle.Name, e.Message, ct);
            return Failed(bundle.Name, e.Message) with { UnresolvedReference = e.UnresolvedReference };
        }
        catch (RecordConflictException e)
        {
            return await RefuseConflictsAsync(connection, bundle, e.Conflicts, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            // A row it refers to is not in the record: one of this run's master-data bundles failed after its
            // identifiers were indexed. The transaction rolled back whole.
            var message = $"{bundle.Name}: a reference resolves to nothing in the record ({e.TableName}, {e.ConstraintName})";
            await AuditErrorAsync(connection, bundle.Name, message, ct);
            return Failed(bundle.Name, message) with { UnresolvedReference = true };
        }
        catch (PostgresException e)
        {
            // Anything else PostgreSQL refuses fails this bundle alone (its transaction rolled back whole) and the run
            // goes on. The server's message and detail may quote the row: only the SQLSTATE is logged and reported.
            logger.LogError("PostgreSQL refused a bundle (SQLSTATE {SqlState}, table {Table})", e.SqlState, e.TableName);
            var message = $"{bundle.Name}: the database refused the bundle (SQLSTATE {e.SqlState}{(e.TableName is null ? "" : ", table " + e.TableName)})";
            await AuditErrorAsync(connection, bundle.Name, message, ct);
            return Failed(bundle.Name, message);
        }
    }

    /// <summary>
    /// Two bundles of one run may carry the same new resource; the second COPY then hits the first one's key. The
    /// transaction rolled back whole, so running it again (now finding the resource stored) is safe.
    /// </summary>
    private static async Task<T> WithOneRetryOnConflictAsync<T>(Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            return await work();
        }
    }

    /// <summary>One READ COMMITTED transaction (what the audit's lane claim needs); an exception rolls it all back.</summary>
    private static async Task<T> InTransactionAsync<T>(NpgsqlConnection connection, Func<NpgsqlTransaction, Task<T>> work, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var result = await work(transaction);
        await transaction.CommitAsync(ct);
        return result;
    }

    /// <summary>Writes the bundles' rows table by table (one COPY each for all of them), then each bundle's audit row.</summary>
    private async Task<List<FileOutcome>> WriteBundlesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Prepared> bundles, Run run, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        foreach (var bundle in bundles)
        {
            if (await MissingAsync(connection, bundle.MustExist, ct) is { } missing)
            {
                throw new BundleProblemException($"{bundle.Name}: {missing}", unresolvedReference: true);
            }
        }

        var writes = await ClinicalRecordWriter.WriteAsync(connection, transaction, [.. bundles.Select(b => b.Records)], clock.GetUtcNow(), ct);
        // Where each relationship came from, in the same transaction: a bundle that names a physician in an encounter gives
        // them a treatment relationship, and who brought it in is what privacy monitoring needs to judge its first use.
        await RelationshipSources.RecordAsync(connection, transaction,
            [.. bundles.Select(b => new ImportedRelationships(b.Name, [.. b.Records.Encounters.Keys, .. b.Records.CareTeams.Keys]))],
            run.Feed, run.Trusted, run.Actor, clock.GetUtcNow(), ct);
        // The master patient index (issue 16 item 2): the written patients' match keys, set-based in this transaction,
        // and one job to match the records that changed; ids only in its payload.
        List<Guid> arrived = [.. bundles.Zip(writes).SelectMany(bw => bw.First.Records.Patients.Keys.Where(bw.Second.Records.Contains)).Distinct()];
        await MatchKeysRefresh.RefreshAsync(connection, transaction, arrived, ct);
        await ArrivalMatching.EnqueueAsync(connection, transaction, arrived, run.Actor, clock.GetUtcNow(), ct);
        var outcomes = new List<FileOutcome>(bundles.Count);
        for (var k = 0; k < bundles.Count; k++)
        {
            var bundle = bundles[k];
            var write = writes[k];
            var patients = bundle.Records.Patients.Keys;
            var outcome = new FileOutcome(bundle.Name, true, null)
            {
                Created = write.Created, Updated = write.Updated, Unchanged = write.Unchanged, Skipped = bundle.Skipped, Patients = [.. patients],
            };
            // One audit row per patient whose record the bundle changed (an audit row names one patient), whichever
            // patients it carries; a bundle that changed no one's record is audited under its own patient, as before.
            List<Guid?> changed = [.. write.Records.Where(r => r != RecordVersion.Shared).Order().Select(r => (Guid?)r)];
            if (changed.Count == 0)
            {
                changed.Add(patients.Count == 1 ? patients[0] : null);
            }

            foreach (var patient in changed)
            {
                await audit.AppendAsync(connection, transaction, new AuditRecord(AuditAction.Create, AuditOutcome.Success, "Bundle",
                    Clip(Path.GetFileName(bundle.Name)), PatientId: patient,
                    Details: $"created={Sum(outcome.Created)} updated={Sum(outcome.Updated)} unchanged={Sum(outcome.Unchanged)} skipped={Sum(outcome.Skipped)}"),
                    ct);
            }

            outcomes.Add(outcome);
        }

        logger.LogInformation("Wrote {Bundles} bundle(s) of {Entries} entries in one transaction in {WriteMs} ms", bundles.Count,
            bundles.Sum(b => b.Entries), Stopwatch.GetElapsedTime(started).TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture));
        return outcomes;
    }

    /// <summary>Practitioners, organizations and locations the bundles stored (committed) resolve for the rest of the run.</summary>
    private static void AddMasterData(MasterDataIndex masterData, IEnumerable<Prepared> bundles)
    {
        foreach (var (type, system, value, key) in bundles.SelectMany(b => b.Records.MasterData))
        {
            masterData.Add(type, system, value, key);
        }
    }

    private async Task AuditErrorAsync(NpgsqlConnection connection, string name, string message, CancellationToken ct, Guid? patient = null) =>
        await audit.AppendAsync(connection, null, new AuditRecord(AuditAction.Create, AuditOutcome.Error, "Bundle", Clip(Path.GetFileName(name)),
            PatientId: patient, Details: message), ct);

    /// <summary>
    /// A bundle the writer refused because a resource would cross patients (ADR 0019): the conflicts go on the list the
    /// master patient index works, in a statement of their own as the bundle rolled back; the refusal names the first
    /// resource and both patients (FHIR ids and MRNs, for the clerk: the message goes to the outcome and the audit row,
    /// never to a log) and is audited under each stored patient whose data the bundle would have taken.
    /// </summary>
    private async Task<FileOutcome> RefuseConflictsAsync(NpgsqlConnection connection, Prepared bundle, IReadOnlyList<RecordConflict> conflicts, CancellationToken ct)
    {
        await ClinicalRecordWriter.RecordConflictsAsync(connection, null, conflicts, ct);
        // The master patient index's worklist gets the two records as a pair (issue 16 item 2), as the conflicts are recorded.
        await MatchOutcomes.FromImportConflictsAsync(connection, null, audit,
            [.. conflicts.Where(c => c.Kind != ConflictKind.OtherPatientsEncounter).Select(c => (c.ResourceId, c.IncomingPatientId))], ct);
        var stored = await StoredPatientLabelsAsync(connection, [.. conflicts.SelectMany(c => new[] { c.StoredPatientId, c.IncomingPatientId })], ct);
        string Name(Guid patient) =>
            (bundle.Records.PatientLabels.TryGetValue(patient, out var l) ? l : stored.TryGetValue(patient, out var s) ? s : (patient.ToString("D"), null))
            is var (fhirId, mrn) ? mrn is null ? $"Patient/{fhirId}" : $"Patient/{fhirId} (MRN {Printable(mrn)})" : "";

        var first = conflicts[0];
        var message = first.Kind == ConflictKind.OtherPatientsEncounter
            ? $"{bundle.Name}: {first.Source}: its encounter Encounter/{first.EncounterFhirId} is in the record of {Name(first.StoredPatientId)}, "
                + $"not of {Name(first.IncomingPatientId)} whose resource it is: a resource and its encounter belong to one patient"
            : $"{bundle.Name}: {first.Source}: it is in the record of {Name(first.StoredPatientId)} and this bundle gives it to "
                + $"{Name(first.IncomingPatientId)}: an import never moves a resource between patients (a correction does). "
                + "The bundle is refused and the conflict is on the list for the master patient index";
        if (conflicts.Count > 1)
        {
            message += $" ({conflicts.Count - 1} more such resource(s) in the bundle)";
        }

        List<Guid?> patients = [.. conflicts.Select(c => c.StoredPatientId).Where(stored.ContainsKey).Distinct().Order().Select(p => (Guid?)p)];
        foreach (var patient in patients.Count > 0 ? patients : [null])
        {
            await AuditErrorAsync(connection, bundle.Name, message, ct, patient);
        }

        return Failed(bundle.Name, message);
    }

    private static async Task<Dictionary<Guid, (string FhirId, string? Mrn)>> StoredPatientLabelsAsync(
        NpgsqlConnection connection, Guid[] patients, CancellationToken ct)
    {
        await using var query = new NpgsqlCommand("SELECT id, fhir_id, mrn FROM clinical.patients WHERE id = ANY($1)", connection);
        query.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = patients });
        await using var reader = await query.ExecuteReaderAsync(ct);
        var labels = new Dictionary<Guid, (string, string?)>();
        while (await reader.ReadAsync(ct))
        {
            labels[reader.GetGuid(0)] = (reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        }

        return labels;
    }

    /// <summary>A value from a bundle as a message may quote it: short, with no control characters.</summary>
    private static string Printable(string value)
    {
        var clipped = value.Length > 64 ? value[..64] + "…" : value;
        return string.Create(clipped.Length, clipped, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = char.IsControl(text[i]) ? '?' : text[i];
            }
        });
    }

    private static string Clip(string value) => value.Length > 128 ? value[..128] : value;

    /// <summary>Checks and maps a whole bundle before anything is written; the first problem rejects it, naming the entry.</summary>
    private Prepared Prepare(int index, string name, int bytes, ParsedBundle parsed, MasterDataIndex masterData)
    {
        // Mapping is synchronous, on this thread: the readers find this run's limits here.
        Fhir.UseLimits(options.Value.Limits);
        var root = parsed.Document.RootElement;
        if (root.Str("resourceType") != "Bundle")
        {
            throw new BundleProblemException($"{name}: not a FHIR Bundle (resourceType is '{root.Str("resourceType")}')");
        }

        var type = root.Str("type");
        if (type is not ("transaction" or "batch" or "collection"))
        {
            throw new BundleProblemException($"{name}: Bundle.type is '{type}'; only transaction, batch and collection bundles can be imported");
        }

        var entries = Checked(name, "Bundle", () => root.Arr("entry").ToList());
        var fullUrls = new Dictionary<string, BundleEntry>(StringComparer.Ordinal);
        var identifiers = new Dictionary<(string, string, string), string>();
        var seen = new Dictionary<(string, string), int>();
        var skipped = new TypeCounts();
        var supported = new List<(int Index, BundleEntry Entry, JsonElement Resource)>();
        for (var i = 0; i < entries.Count; i++)
        {
            var item = entries[i];
            var resource = Checked(name, $"entry {i}", () => item.Obj("resource"));
            var resourceType = Checked(name, $"entry {i}", () => resource?.Str("resourceType", TextKind.Code));
            if (resource is not { } r || resourceType is null)
            {
                throw new BundleProblemException($"{name}: entry {i} has no resource with a resourceType");
            }

            if (!RecordMapper.Supported.Contains(resourceType))
            {
                skipped.Increment(resourceType);
                if (Checked(name, $"entry {i}", () => item.Str("fullUrl")) is { } skippedUrl
                    && Checked(name, $"entry {i} ({resourceType})", () => r.Str("id", TextKind.Code)) is { } skippedId)
                {
                    fullUrls[skippedUrl] = new BundleEntry(resourceType, skippedId);
                }

                continue;
            }

            var id = Checked(name, $"entry {i} ({resourceType})", () => r.Str("id"))
                ?? throw new BundleProblemException($"{name}: entry {i} ({resourceType}) has no id, which the record requires");
            if (id.Length > MaxIdLength)
            {
                // FHIR allows 64; the record keeps up to 128 (fhir_id): longer would fail the whole run at the COPY.
                throw new BundleProblemException($"{name}: entry {i} ({resourceType}) has an id of {id.Length} characters, over the {MaxIdLength} the record keeps");
            }

            if (!Fhir.Id().IsMatch(id))
            {
                // Not quoted: it may hold anything. FHIR R4's id is [A-Za-z0-9\-\.]{1,64}.
                throw new BundleProblemException($"{name}: entry {i} ({resourceType}): id must be a FHIR id (letters, digits, '-' and '.')");
            }

            if (seen.TryGetValue((resourceType, id), out var earlier))
            {
                throw new BundleProblemException($"{name}: entry {i} ({resourceType}/{id}) repeats entry {earlier}");
            }

            seen[(resourceType, id)] = i;
            var entry = new BundleEntry(resourceType, id);
            if (Checked(name, $"entry {i} ({resourceType}/{id})", () => item.Str("fullUrl")) is { } fullUrl)
            {
                fullUrls[fullUrl] = entry;
            }

            Checked(name, $"entry {i} ({resourceType}/{id})", () =>
            {
                foreach (var identifier in r.Arr("identifier"))
                {
                    if (identifier.Str("value", TextKind.Code) is { } value)
                    {
                        identifiers.TryAdd((resourceType, identifier.Str("system") ?? "", value), id);
                    }
                }

                return true;
            }, r);

            supported.Add((i, entry, r));
        }

        if (supported.Any(s => s.Entry.Type is not ("Practitioner" or "PractitionerRole" or "Organization" or "Location" or "Medication"))
            && !supported.Any(s => s.Entry.Type == "Patient"))
        {
            throw new BundleProblemException($"{name}: the bundle holds patient records but no Patient resource");
        }

        var records = new RecordSet { Origin = Path.GetFileName(name), ReadAt = clock.GetUtcNow() };
        try
        {
            var resolver = new ReferenceResolver(fullUrls, identifiers, masterData);
            var mapper = new RecordMapper(records, resolver, fullUrls, clock.GetUtcNow());
            // Patients first: lab flags need the patient's sex and age.
            foreach (var (entryIndex, entry, resource) in supported.OrderBy(s => s.Entry.Type == "Patient" ? 0 : 1))
            {
                var json = parsed.Raw(resource);
                records.Sources[entry.Key] = new RecordSource(entryIndex, entry.Type, entry.Id);
                try
                {
                    Fhir.CheckCharacters(resource, json.Span);
                    mapper.Map(entry, resource, json, SHA256.HashData(json.Span));
                }
                catch (FhirValueException e)
                {
                    throw new BundleProblemException($"{name}: entry {entryIndex} ({entry.Type}/{entry.Id}): {Fhir.PathOf(resource, e.Value) ?? "a value"} {e.Message}");
                }
                catch (Exception e) when (e is BundleProblemException or FormatException or InvalidOperationException)
                {
                    throw new BundleProblemException($"{name}: entry {entryIndex} ({entry.Type}/{entry.Id}): {e.Message}",
                        e is BundleProblemException { UnresolvedReference: true });
                }
            }

            return new Prepared(index, name, records, skipped, resolver.MustExist, entries.Count, bytes);
        }
        catch
        {
            records.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs one read of the bundle's structure; a value of the wrong type is refused naming <paramref name="where"/> and
    /// the element (its path inside <paramref name="within"/>, or the bundle's root).
    /// </summary>
    private static T Checked<T>(string name, string where, Func<T> read, JsonElement? within = null)
    {
        try
        {
            return read();
        }
        catch (FhirValueException e)
        {
            var path = within is { } w ? Fhir.PathOf(w, e.Value) : null;
            var element = path ?? (where == "Bundle" ? "Bundle.entry" : "its resource");
            throw new BundleProblemException($"{name}: {where}: {element} {e.Message}");
        }
    }

    private static async Task<string?> MissingAsync(NpgsqlConnection connection, Dictionary<string, HashSet<Guid>> mustExist, CancellationToken ct)
    {
        foreach (var (type, keys) in mustExist)
        {
            var table = RecordTable.All.FirstOrDefault(t => t.FhirType == type)?.Qualified;
            long found = 0;
            if (table is not null)
            {
                await using var query = new NpgsqlCommand($"SELECT count(*) FROM {table} WHERE id = ANY($1)", connection);
                query.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. keys] });
                found = (long)(await query.ExecuteScalarAsync(ct))!;
            }

            if (found < keys.Count)
            {
                return $"a reference to a {type} resolves to nothing in the bundle or the record";
            }
        }

        return null;
    }

    private static int Sum(TypeCounts counts) => counts.Values.Sum();

    private static FileOutcome Failed(string name, string error) =>
        new(name, false, error.StartsWith(name, StringComparison.Ordinal) ? error : $"{name}: {error}");
}

/// <summary>
/// A bundle file checked as UTF-8 and parsed in its canonical compact form (see <see cref="CompactJson"/>): fewer bytes
/// to parse, and each resource's own bytes are then what PostgreSQL stores as jsonb and what the source hash covers,
/// with no second serialisation. Dispose to return the compact copy to the pool.
/// </summary>
internal sealed class ParsedBundle : IDisposable
{
    private byte[]? _compact;

    private ParsedBundle(byte[] compact, JsonDocument document)
    {
        _compact = compact;
        Document = document;
    }

    public JsonDocument Document { get; }

    /// <summary>The bytes of one element of <see cref="Document"/>: a slice of the compact copy it was parsed from, not a copy.</summary>
    public ReadOnlyMemory<byte> Raw(JsonElement element)
    {
        var compact = _compact ?? throw new ObjectDisposedException(nameof(ParsedBundle));
        var raw = JsonMarshal.GetRawUtf8Value(element);
        var offset = (int)Unsafe.ByteOffset(ref MemoryMarshal.GetArrayDataReference(compact), ref MemoryMarshal.GetReference(raw));
        return compact.AsMemory(offset, raw.Length);
    }

    public static ParsedBundle Parse(string name, PooledBytes bytes)
    {
        if (!Utf8.IsValid(bytes.Span))
        {
            throw new BundleProblemException($"{name}: the file is not UTF-8 text");
        }

        var compact = ArrayPool<byte>.Shared.Rent(Math.Max(bytes.Length, 1));
        try
        {
            var length = CompactJson.Minify(bytes.Span, compact);
            return new ParsedBundle(compact, Parse(name, bytes, length < 0 ? null : compact.AsMemory(0, length)));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(compact);
            throw;
        }
    }

    public void Dispose()
    {
        if (_compact is { } compact)
        {
            _compact = null;
            Document.Dispose();
            ArrayPool<byte>.Shared.Return(compact);
        }
    }

    /// <summary>Parses the compact form; if it (or the file) is not valid JSON, the file itself names the line and byte.</summary>
    private static JsonDocument Parse(string name, PooledBytes original, ReadOnlyMemory<byte>? compact)
    {
        var options = new JsonDocumentOptions { MaxDepth = 128 };
        try
        {
            if (compact is { } c)
            {
                return JsonDocument.Parse(c, options);
            }
        }
        catch (JsonException)
        {
            // Reported from the original below.
        }

        try
        {
            using (JsonDocument.Parse(original.Memory, options))
            {
                throw new UnreachableException("The compact form of valid JSON is valid JSON.");
            }
        }
        catch (JsonException e)
        {
            throw new BundleProblemException($"{name}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
    }
}
