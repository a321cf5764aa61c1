using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Unicode;
using HimPortal.Application.Auditing;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Bulk;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HimPortal.Application.Intake.ImportBundles;

/// <summary>One bundle file to import: a name to report it by, and its bytes on demand.</summary>
public sealed record BundleFile(string Name, long Length, Func<CancellationToken, Task<byte[]>> ReadAsync)
{
    public static BundleFile FromPath(string path) =>
        new(path, new FileInfo(path).Length, ct => File.ReadAllBytesAsync(path, ct));
}

public sealed record ImportBundlesCommand(IReadOnlyList<BundleFile> Files);

/// <summary>Resources by FHIR type.</summary>
public sealed class TypeCounts : SortedDictionary<string, int>
{
    public TypeCounts()
        : base(StringComparer.Ordinal)
    {
    }

    public void Add(TypeCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (type, count) in other)
        {
            Increment(type, count);
        }
    }

    public void Increment(string type, int count = 1)
    {
        if (count != 0)
        {
            this[type] = (TryGetValue(type, out var n) ? n : 0) + count;
        }
    }
}

public sealed record FileOutcome(string Path, bool Ok, string? Error)
{
    /// <summary>Failed only because a reference found nothing: worth retrying after the run's other master data.</summary>
    internal bool UnresolvedReference { get; init; }

    public TypeCounts Created { get; init; } = [];
    public TypeCounts Updated { get; init; } = [];
    public TypeCounts Unchanged { get; init; } = [];
    public TypeCounts Skipped { get; init; } = [];
}

public sealed record ImportSummary(IReadOnlyList<FileOutcome> Files, TypeCounts Created, TypeCounts Updated, TypeCounts Unchanged, TypeCounts Skipped)
{
    public bool AllOk => Files.All(f => f.Ok);
}

/// <summary>
/// Imports FHIR R4 bundles into the clinical record. Each bundle is one transaction: imported whole or not at all, with
/// an audit row naming its patient. Master data (batch and collection bundles) goes first, so patient bundles' conditional
/// references find their practitioners and organizations whatever order the files came in; patient bundles then import
/// in parallel, one database connection per worker. Re-importing a bundle changes nothing.
/// </summary>
public sealed class ImportBundlesHandler(
    IServiceScopeFactory scopes, HimDbContext db, IConfiguration configuration, TimeProvider clock, ILogger<ImportBundlesHandler> logger)
{
    public const long DefaultMaxBundleBytes = 64L * 1024 * 1024;

    public async Task<ImportSummary> HandleAsync(ImportBundlesCommand command, IProgress<FileOutcome>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var maxBytes = configuration.GetValue("Intake:MaxBundleBytes", DefaultMaxBundleBytes);
        var workers = Math.Max(1, configuration.GetValue("Intake:Workers", Environment.ProcessorCount));
        var masterData = await MasterDataIndex.LoadAsync(db, ct);
        var outcomes = new FileOutcome?[command.Files.Count];

        // A first pass reads only Bundle.type, so master data can go first without keeping every file in memory.
        var kinds = new string?[command.Files.Count];
        var tooLarge = new List<FileOutcome>();
        for (var i = 0; i < command.Files.Count; i++)
        {
            var file = command.Files[i];
            if (file.Length > maxBytes)
            {
                outcomes[i] = Failed(file, $"the file is {file.Length:N0} bytes, over the limit of {maxBytes:N0} (Intake:MaxBundleBytes)");
                tooLarge.Add(outcomes[i]!);
                continue;
            }

            kinds[i] = BundleTypeOf(await file.ReadAsync(ct));
        }

        var master = Enumerable.Range(0, kinds.Length).Where(i => outcomes[i] is null && kinds[i] is "batch" or "collection").ToList();
        var patients = Enumerable.Range(0, kinds.Length).Where(i => outcomes[i] is null && kinds[i] is not ("batch" or "collection")).ToList();

        // Master-data bundles may refer to each other (roles to organizations): retry those whose references failed
        // while any other succeeded.
        var pending = master;
        while (pending.Count > 0)
        {
            var failed = new List<int>();
            foreach (var i in pending)
            {
                var outcome = await ImportOneAsync(command.Files[i], maxBytes, masterData, ct);
                outcomes[i] = outcome;
                if (outcome.UnresolvedReference)
                {
                    failed.Add(i);
                }
            }

            pending = failed.Count < pending.Count ? failed : [];
        }

        foreach (var i in master)
        {
            progress?.Report(outcomes[i]!);
        }

        await Parallel.ForEachAsync(patients, new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = ct }, async (i, token) =>
        {
            outcomes[i] ??= await ImportOneAsync(command.Files[i], maxBytes, masterData, token);
            progress?.Report(outcomes[i]!);
        });

        foreach (var outcome in tooLarge)
        {
            progress?.Report(outcome);
        }

        var files = outcomes.Select(o => o!).ToList();
        var summary = new ImportSummary(files, [], [], [], []);
        foreach (var file in files)
        {
            summary.Created.Add(file.Created);
            summary.Updated.Add(file.Updated);
            summary.Unchanged.Add(file.Unchanged);
            summary.Skipped.Add(file.Skipped);
        }

        return summary;
    }

    private async Task<FileOutcome> ImportOneAsync(BundleFile file, long maxBytes, MasterDataIndex masterData, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var scopedDb = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AccessAudit>();
        Prepared prepared;
        double prepareMs;
        try
        {
            prepared = Prepare(file.Name, await file.ReadAsync(ct), maxBytes, masterData);
            prepareMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        catch (BundleProblemException e)
        {
            await audit.RecordAloneAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Error, "Bundle", Clip(Path.GetFileName(file.Name)),
                Details: e.Message), ct);
            return Failed(file, e.Message) with { UnresolvedReference = e.UnresolvedReference };
        }

        try
        {
            var outcome = await WithOneRetryOnConflictAsync(() => scopedDb.InTransactionAsync(async token =>
            {
                var missing = await MissingAsync(scopedDb, prepared.MustExist, token);
                if (missing is not null)
                {
                    throw new BundleProblemException(missing, unresolvedReference: true);
                }

                var written = await WriteAsync(scopedDb, prepared.Records, token);
                await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "Bundle", Clip(Path.GetFileName(file.Name)),
                    PatientId: prepared.Records.Patients.Count == 1 ? prepared.Records.Patients[0].Id : null,
                    Details: $"created={Sum(written.Created)} updated={Sum(written.Updated)} unchanged={Sum(written.Unchanged)} skipped={Sum(prepared.Skipped)}"),
                    token);
                return written with { Path = file.Name, Skipped = prepared.Skipped };
            }, ct));

            foreach (var p in prepared.Records.Practitioners.Where(p => p.Npi is not null))
            {
                masterData.Add("Practitioner", MasterDataIndex.NpiSystem, p.Npi!, p.Id);
            }

            foreach (var o in prepared.Records.Organizations.Where(o => o.IdentifierValue is not null))
            {
                masterData.Add("Organization", o.IdentifierSystem ?? "", o.IdentifierValue!, o.Id);
            }

            foreach (var l in prepared.Records.Locations.Where(l => l.IdentifierValue is not null))
            {
                masterData.Add("Location", l.IdentifierSystem ?? "", l.IdentifierValue!, l.Id);
            }

            logger.LogInformation("Imported a bundle of {Entries} entries: prepared in {PrepareMs} ms, written in {WriteMs} ms", prepared.Entries,
                prepareMs.ToString("F0", CultureInfo.InvariantCulture),
                (Stopwatch.GetElapsedTime(started).TotalMilliseconds - prepareMs).ToString("F0", CultureInfo.InvariantCulture));
            return outcome;
        }
        catch (BundleProblemException e)
        {
            await audit.RecordAloneAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Error, "Bundle", Clip(Path.GetFileName(file.Name)),
                Details: e.Message), ct);
            return Failed(file, $"{file.Name}: {e.Message}") with { UnresolvedReference = e.UnresolvedReference };
        }

        static string Clip(string value) => value.Length > 128 ? value[..128] : value;
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
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation)
        {
            return await work();
        }
    }

    private sealed record Prepared(RecordSet Records, TypeCounts Skipped, Dictionary<string, HashSet<Guid>> MustExist, int Entries);

    /// <summary>Checks and maps a whole bundle before anything is written; the first problem rejects it, naming the entry.</summary>
    private Prepared Prepare(string name, byte[] bytes, long maxBytes, MasterDataIndex masterData)
    {
        if (bytes.LongLength > maxBytes)
        {
            throw new BundleProblemException($"{name}: the file is {bytes.LongLength:N0} bytes, over the limit of {maxBytes:N0} (Intake:MaxBundleBytes)");
        }

        if (!Utf8.IsValid(bytes))
        {
            throw new BundleProblemException($"{name}: the file is not UTF-8 text");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 128 });
        }
        catch (JsonException e)
        {
            throw new BundleProblemException($"{name}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.Str("resourceType") != "Bundle")
            {
                throw new BundleProblemException($"{name}: not a FHIR Bundle (resourceType is '{root.Str("resourceType")}')");
            }

            var type = root.Str("type");
            if (type is not ("transaction" or "batch" or "collection"))
            {
                throw new BundleProblemException($"{name}: Bundle.type is '{type}'; only transaction, batch and collection bundles can be imported");
            }

            var entries = root.Arr("entry").ToList();
            var fullUrls = new Dictionary<string, (string Type, string Id)>(StringComparer.Ordinal);
            var identifiers = new Dictionary<(string, string, string), string>();
            var seen = new Dictionary<(string, string), int>();
            var skipped = new TypeCounts();
            var supported = new List<(int Index, string Type, string Id, JsonElement Resource)>();
            for (var i = 0; i < entries.Count; i++)
            {
                var resource = entries[i].Obj("resource");
                var resourceType = resource?.Str("resourceType");
                if (resource is not { } r || resourceType is null)
                {
                    throw new BundleProblemException($"{name}: entry {i} has no resource with a resourceType");
                }

                if (!RecordMapper.Supported.Contains(resourceType))
                {
                    skipped.Increment(resourceType);
                    if (entries[i].Str("fullUrl") is { } skippedUrl && r.Str("id") is { } skippedId)
                    {
                        fullUrls[skippedUrl] = (resourceType, skippedId);
                    }

                    continue;
                }

                var id = r.Str("id") ?? throw new BundleProblemException($"{name}: entry {i} ({resourceType}) has no id, which the record requires");
                if (seen.TryGetValue((resourceType, id), out var earlier))
                {
                    throw new BundleProblemException($"{name}: entry {i} ({resourceType}/{id}) repeats entry {earlier}");
                }

                seen[(resourceType, id)] = i;
                if (entries[i].Str("fullUrl") is { } fullUrl)
                {
                    fullUrls[fullUrl] = (resourceType, id);
                }

                foreach (var identifier in r.Arr("identifier"))
                {
                    if (identifier.Str("value") is { } value)
                    {
                        identifiers.TryAdd((resourceType, identifier.Str("system") ?? "", value), id);
                    }
                }

                supported.Add((i, resourceType, id, r));
            }

            if (supported.Any(s => s.Type is not ("Practitioner" or "PractitionerRole" or "Organization" or "Location" or "Medication"))
                && !supported.Any(s => s.Type == "Patient"))
            {
                throw new BundleProblemException($"{name}: the bundle holds patient records but no Patient resource");
            }

            var records = new RecordSet();
            var resolver = new ReferenceResolver(fullUrls, identifiers, masterData);
            var mapper = new RecordMapper(records, resolver, fullUrls, clock.GetUtcNow());
            var buffer = new ArrayBufferWriter<byte>(16 * 1024);
            using var writer = new Utf8JsonWriter(buffer);
            // Patients first: lab flags need the patient's sex and age.
            foreach (var (index, resourceType, id, resource) in supported.OrderBy(s => s.Type == "Patient" ? 0 : 1))
            {
                buffer.ResetWrittenCount();
                writer.Reset();
                resource.WriteTo(writer);
                writer.Flush();
                var json = System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
                var hash = SHA256.HashData(buffer.WrittenSpan);
                try
                {
                    mapper.Map(resourceType, id, resource, json, hash);
                }
                catch (Exception e) when (e is BundleProblemException or FormatException or InvalidOperationException)
                {
                    throw new BundleProblemException($"{name}: entry {index} ({resourceType}/{id}): {e.Message}",
                        e is BundleProblemException { UnresolvedReference: true });
                }
            }

            return new Prepared(records, skipped, resolver.MustExist, entries.Count);
        }
    }

    private static async Task<string?> MissingAsync(HimDbContext db, Dictionary<string, HashSet<Guid>> mustExist, CancellationToken ct)
    {
        foreach (var (type, keys) in mustExist)
        {
            var ids = keys.ToList();
            var existing = type switch
            {
                "Patient" => Stored<Patient>(db, ids),
                "Encounter" => Stored<Encounter>(db, ids),
                "Practitioner" => Stored<Practitioner>(db, ids),
                "Organization" => Stored<Organization>(db, ids),
                "Location" => Stored<Location>(db, ids),
                "Observation" => Stored<Observation>(db, ids),
                "Medication" => Stored<Medication>(db, ids),
                "CareTeam" => Stored<CareTeam>(db, ids),
                _ => Enumerable.Empty<Guid>().AsQueryable(),
            };
            var found = (await existing.ToListAsync(ct)).ToHashSet();
            if (ids.Any(id => !found.Contains(id)))
            {
                return $"a reference to a {type} resolves to nothing in the bundle or the record";
            }
        }

        return null;
    }

    private static IQueryable<Guid> Stored<T>(HimDbContext db, List<Guid> ids)
        where T : ClinicalResource =>
        db.Set<T>().Where(e => ids.Contains(e.Id)).Select(e => e.Id);

    private static async Task<FileOutcome> WriteAsync(HimDbContext db, RecordSet set, CancellationToken ct)
    {
        var bulk = new BulkUpsert(db);
        var outcome = new FileOutcome("", true, null);

        async Task<IReadOnlyList<Guid>> Upsert<T>(string fhirType, List<T> rows)
            where T : ClinicalResource
        {
            var result = await bulk.UpsertAsync(rows, ct);
            outcome.Created.Increment(fhirType, result.Inserted.Count);
            outcome.Updated.Increment(fhirType, result.Updated.Count);
            outcome.Unchanged.Increment(fhirType, rows.Count - result.Inserted.Count - result.Updated.Count);
            return [.. result.Inserted, .. result.Updated];
        }

        await Upsert("Organization", set.Organizations);
        await Upsert("Location", set.Locations);
        await Upsert("Practitioner", set.Practitioners);
        await Upsert("PractitionerRole", set.PractitionerRoles);
        await bulk.ReplacePartsAsync(await Upsert("Patient", set.Patients), set.PatientIdentifiers, ct);
        await bulk.ReplacePartsAsync(await Upsert("Encounter", set.Encounters), set.EncounterParticipants, ct);
        await Upsert("Condition", set.Conditions);
        await Upsert("Medication", set.Medications);
        await Upsert("MedicationRequest", set.MedicationRequests);
        await Upsert("MedicationAdministration", set.MedicationAdministrations);
        await bulk.ReplacePartsAsync(await Upsert("Observation", set.Observations), set.ObservationComponents, ct);
        await bulk.ReplacePartsAsync(await Upsert("DiagnosticReport", set.DiagnosticReports), set.DiagnosticReportResults, ct);
        await Upsert("DocumentReference", set.ClinicalNotes);
        await Upsert("AllergyIntolerance", set.Allergies);
        await Upsert("Immunization", set.Immunizations);
        await Upsert("Procedure", set.Procedures);
        await Upsert("ImagingStudy", set.ImagingStudies);
        await bulk.ReplacePartsAsync(await Upsert("CareTeam", set.CareTeams), set.CareTeamMembers, ct);
        await Upsert("CarePlan", set.CarePlans);
        return outcome;
    }

    /// <summary>Bundle.type, read without building the document (the first pass over every file).</summary>
    private static string? BundleTypeOf(byte[] bytes)
    {
        try
        {
            var reader = new Utf8JsonReader(bytes);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                reader.Read();
                if (isType && reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString();
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Prepare names the problem properly.
        }

        return null;
    }

    private static int Sum(TypeCounts counts) => counts.Values.Sum();

    private static FileOutcome Failed(BundleFile file, string error) =>
        new(file.Name, false, error.StartsWith(file.Name, StringComparison.Ordinal) ? error : $"{file.Name}: {error}");
}
