using Npgsql;

namespace HimPortal.Data.Bulk;

/// <summary>The result of upserting one table's rows: which keys were inserted, which updated (the rest were unchanged).</summary>
public sealed record UpsertResult(IReadOnlySet<Guid> Inserted, IReadOnlySet<Guid> Updated);

/// <summary>
/// A stored row as the look-up found it: its source hash, the patient whose record holds it (<see cref="Guid.Empty"/>
/// for master data), and, when a correction marked it entered-in-error, that correction's two patients.
/// </summary>
public readonly record struct StoredRow(byte[] Hash, Guid Owner, Guid? CorrectedFrom, Guid? CorrectedTo)
{
    public bool EnteredInError => CorrectedFrom is not null;
}

/// <summary>A stored encounter a row refers to: whose record holds it.</summary>
public readonly record struct StoredEncounter(Guid Owner, string FhirId);

/// <summary>
/// Writes encoded rows (<see cref="CopyRows"/>) with binary COPY on a plain Npgsql connection, in the caller's
/// transaction: new keys straight into the record, keys whose source hash changed through a per-session staging table
/// and one UPDATE, identical rows not at all (an import is idempotent). Tables and columns come from
/// <see cref="ClinicalCopyMap"/>, generated from the EF model, so the mapping still lives in one place. EF change
/// tracking is 10–15× slower than COPY; interactive commands keep using it, bulk intake does not.
/// </summary>
public sealed class BulkUpsert(NpgsqlConnection connection)
{
    // The signature "PGCOPY\n\xff\r\n\0", no flags, no header extension.
    private static readonly byte[] CopyHeader = [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xff, (byte)'\r', (byte)'\n', 0, 0, 0, 0, 0, 0, 0, 0, 0];
    private static readonly byte[] CopyTrailer = [0xff, 0xff];

    private readonly List<(string Table, Guid[] Keys, bool Owned)> _lookUps = [];
    private readonly HashSet<string> _lookedUp = [];
    private readonly Dictionary<Guid, StoredRow> _stored = [];
    private readonly Dictionary<Guid, StoredEncounter> _encounters = [];
    private readonly HashSet<Guid> _heldBack = [];
    private Guid[] _encounterLookUps = [];

    /// <summary>Notes the rows whose stored hashes <see cref="LookUpAsync"/> reads; call it for every table first.</summary>
    public void LookUp(CopyTable table, IEnumerable<IResourceRows> rows)
    {
        ArgumentNullException.ThrowIfNull(table);
        var keys = rows.SelectMany(r => r.Keys).ToArray();
        if (keys.Length > 0)
        {
            _lookUps.Add((table.Qualified, keys, table.Columns.Contains("patient_id")));
        }
    }

    /// <summary>Notes stored encounters whose patients <see cref="LookUpAsync"/> reads (those the rows refer to but do not carry).</summary>
    public void LookUpEncounters(IEnumerable<Guid> keys) => _encounterLookUps = [.. keys];

    /// <summary>The row stored under <paramref name="key"/>, if <see cref="LookUpAsync"/> found one.</summary>
    public StoredRow? Stored(Guid key) => _stored.TryGetValue(key, out var row) ? row : null;

    /// <summary>The stored encounter <paramref name="key"/> noted with <see cref="LookUpEncounters"/>, if there is one.</summary>
    public StoredEncounter? Encounter(Guid key) => _encounters.TryGetValue(key, out var row) ? row : null;

    /// <summary>Leaves the stored row <paramref name="key"/> as it is, whatever the rows say (an original a correction marked).</summary>
    public void HoldBack(Guid key) => _heldBack.Add(key);

    /// <summary>
    /// What is stored already, with which content hash, in whose record and whether a correction marked it, for every
    /// table noted: one round trip for all of them (a statement per table, each prepared once per connection).
    /// </summary>
    public async Task LookUpAsync(CancellationToken ct)
    {
        if (_lookUps.Count == 0 && _encounterLookUps.Length == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(connection);
        foreach (var (table, keys, owned) in _lookUps)
        {
            // Marks are few (only corrected rows): each row's probe of their index costs next to nothing.
            var command = new NpgsqlBatchCommand(owned
                ? $"""
                   SELECT t.id, t.source_hash, t.patient_id, c.from_patient_id, c.to_patient_id FROM {table} t
                   LEFT JOIN clinical.entered_in_error x ON x.resource_id = t.id AND x.cleared_at IS NULL
                   LEFT JOIN clinical.corrections c ON c.id = x.correction_id
                   WHERE t.id = ANY($1)
                   """
                : $"SELECT id, source_hash FROM {table} WHERE id = ANY($1)");
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = keys });
            batch.BatchCommands.Add(command);
            _lookedUp.Add(table);
        }

        if (_encounterLookUps.Length > 0)
        {
            var command = new NpgsqlBatchCommand("SELECT id, patient_id, fhir_id FROM clinical.encounters WHERE id = ANY($1)");
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = _encounterLookUps });
            batch.BatchCommands.Add(command);
        }

        var lookUps = _lookUps.Count;
        _lookUps.Clear();
        _encounterLookUps = [];
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var statement = 0;
        do
        {
            while (await reader.ReadAsync(ct))
            {
                if (statement == lookUps)
                {
                    _encounters[reader.GetGuid(0)] = new StoredEncounter(reader.GetGuid(1), reader.GetString(2));
                }
                else if (reader.FieldCount == 2)
                {
                    _stored[reader.GetGuid(0)] = new StoredRow(reader.GetFieldValue<byte[]>(1), Guid.Empty, null, null);
                }
                else
                {
                    _stored[reader.GetGuid(0)] = new StoredRow(reader.GetFieldValue<byte[]>(1), reader.GetGuid(2),
                        reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.IsDBNull(4) ? null : reader.GetGuid(4));
                }
            }

            statement++;
        }
        while (await reader.NextResultAsync(ct));
    }

    /// <summary>Writes the rows (of one or more bundles) of one table: one COPY for the new ones, staging and an UPDATE for changed ones.</summary>
    public async Task<UpsertResult> UpsertAsync(CopyTable table, IReadOnlyList<IResourceRows> rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        var inserted = new HashSet<Guid>();
        var updated = new HashSet<Guid>();
        if (rows.All(r => r.Count == 0))
        {
            return new UpsertResult(inserted, updated);
        }

        if (!_lookedUp.Contains(table.Qualified))
        {
            throw new InvalidOperationException($"{table.Qualified}: call LookUp and LookUpAsync before UpsertAsync.");
        }

        var insert = new List<ReadOnlyMemory<byte>>();
        var change = new List<ReadOnlyMemory<byte>>();
        foreach (var set in rows)
        {
            for (var i = 0; i < set.Count; i++)
            {
                if (!_stored.TryGetValue(set.Keys[i], out var stored))
                {
                    insert.Add(set.Row(i));
                    inserted.Add(set.Keys[i]);
                }
                else if (!stored.Hash.AsSpan().SequenceEqual(set.Hashes[i]) && !_heldBack.Contains(set.Keys[i]))
                {
                    change.Add(set.Row(i));
                    updated.Add(set.Keys[i]);
                }
            }
        }

        if (insert.Count > 0)
        {
            await CopyAsync(table.Qualified, table, insert, ct);
        }

        if (change.Count > 0)
        {
            var stage = "stage_" + table.Name;
            await ExecuteAsync(
                $"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table.Qualified} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS; TRUNCATE {stage}", ct);
            await CopyAsync(stage, table, change, ct);
            var updates = string.Join(", ", table.Columns.Where(c => c != "id").Select(c => $"{c} = s.{c}"));
            await ExecuteAsync($"UPDATE {table.Qualified} AS t SET {updates} FROM {stage} AS s WHERE t.id = s.id", ct);
        }

        return new UpsertResult(inserted, updated);
    }

    /// <summary>
    /// Replaces the parts (participants, components, members) of the parents <paramref name="parents"/> wrote with
    /// <paramref name="rows"/>. A new parent has no parts yet, so only updated parents need a DELETE.
    /// </summary>
    public async Task ReplacePartsAsync(CopyTable table, UpsertResult parents, IReadOnlyList<IPartRows> rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(parents);
        ArgumentNullException.ThrowIfNull(rows);
        if (parents.Updated.Count > 0)
        {
            await using var delete = new NpgsqlCommand($"DELETE FROM {table.Qualified} WHERE parent_id = ANY($1)", connection);
            delete.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. parents.Updated] });
            await delete.ExecuteNonQueryAsync(ct);
        }

        var selected = new List<ReadOnlyMemory<byte>>();
        foreach (var set in rows)
        {
            for (var i = 0; i < set.Count; i++)
            {
                if (parents.Inserted.Contains(set.Parents[i]) || parents.Updated.Contains(set.Parents[i]))
                {
                    selected.Add(set.Row(i));
                }
            }
        }

        if (selected.Count > 0)
        {
            await CopyAsync(table.Qualified, table, selected, ct);
        }
    }

    /// <summary>The encoded rows as they are, framed by the binary COPY header and trailer: no per-value work here.</summary>
    private async Task CopyAsync(string target, CopyTable table, List<ReadOnlyMemory<byte>> rows, CancellationToken ct)
    {
        await using var copy = await connection.BeginRawBinaryCopyAsync($"COPY {target} ({table.ColumnList}) FROM STDIN (FORMAT BINARY)", ct);
        await copy.WriteAsync(CopyHeader, ct);
        foreach (var row in rows)
        {
            await copy.WriteAsync(row, ct);
        }

        await copy.WriteAsync(CopyTrailer, ct);
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
