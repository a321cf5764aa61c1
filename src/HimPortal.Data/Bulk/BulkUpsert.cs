using HimPortal.Data.Clinical;
using Npgsql;

namespace HimPortal.Data.Bulk;

/// <summary>The result of upserting one table's rows: which keys were inserted, which updated (the rest were unchanged).</summary>
public sealed record UpsertResult(IReadOnlySet<Guid> Inserted, IReadOnlySet<Guid> Updated);

/// <summary>
/// Writes resources with binary COPY on a plain Npgsql connection, in the caller's transaction: new keys straight into
/// the record, keys whose source hash changed through a per-session staging table and one UPDATE, identical rows not at
/// all (an import is idempotent). Tables and columns come from <see cref="ClinicalCopyMap"/>, generated from the EF
/// model, so the mapping still lives in one place. EF change tracking is 10–15× slower than COPY; interactive commands
/// keep using it, bulk intake does not.
/// </summary>
public sealed class BulkUpsert(NpgsqlConnection connection)
{
    private readonly List<(string Table, Guid[] Keys)> _lookUps = [];
    private readonly HashSet<string> _lookedUp = [];
    private readonly Dictionary<Guid, byte[]> _stored = [];

    /// <summary>Notes the rows whose stored hashes <see cref="LookUpAsync"/> reads; call it for every table first.</summary>
    public void LookUp<T>(CopyTable<T> table, IReadOnlyCollection<T> rows)
        where T : ClinicalResource
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count > 0)
        {
            _lookUps.Add((table.Qualified, [.. rows.Select(r => r.Id)]));
        }
    }

    /// <summary>
    /// What is stored already, and with which content hash, for every table noted: one round trip for all of them
    /// (a statement per table, each prepared once per connection).
    /// </summary>
    public async Task LookUpAsync(CancellationToken ct)
    {
        if (_lookUps.Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(connection);
        foreach (var (table, keys) in _lookUps)
        {
            var command = new NpgsqlBatchCommand($"SELECT id, source_hash FROM {table} WHERE id = ANY($1)");
            command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = keys });
            batch.BatchCommands.Add(command);
            _lookedUp.Add(table);
        }

        _lookUps.Clear();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        do
        {
            while (await reader.ReadAsync(ct))
            {
                _stored[reader.GetGuid(0)] = reader.GetFieldValue<byte[]>(1);
            }
        }
        while (await reader.NextResultAsync(ct));
    }

    public async Task<UpsertResult> UpsertAsync<T>(CopyTable<T> table, IReadOnlyCollection<T> rows, CancellationToken ct)
        where T : ClinicalResource
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return new UpsertResult(new HashSet<Guid>(), new HashSet<Guid>());
        }

        if (!_lookedUp.Contains(table.Qualified))
        {
            throw new InvalidOperationException($"{table.Qualified}: call LookUp and LookUpAsync before UpsertAsync.");
        }

        var inserted = rows.Where(r => !_stored.ContainsKey(r.Id)).ToList();
        var changed = rows.Where(r => _stored.TryGetValue(r.Id, out var hash) && !hash.AsSpan().SequenceEqual(r.SourceHash)).ToList();
        if (inserted.Count > 0)
        {
            await CopyAsync(table.Qualified, table, inserted, ct);
        }

        if (changed.Count > 0)
        {
            var stage = "stage_" + table.Name;
            await ExecuteAsync(
                $"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table.Qualified} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS; TRUNCATE {stage}", ct);
            await CopyAsync(stage, table, changed, ct);
            var updates = string.Join(", ", table.Columns.Where(c => c.Name != "id").Select(c => $"{c.Name} = s.{c.Name}"));
            await ExecuteAsync($"UPDATE {table.Qualified} AS t SET {updates} FROM {stage} AS s WHERE t.id = s.id", ct);
        }

        return new UpsertResult(inserted.Select(r => r.Id).ToHashSet(), changed.Select(r => r.Id).ToHashSet());
    }

    /// <summary>
    /// Replaces the parts (participants, components, members) of the parents <paramref name="parents"/> wrote with
    /// <paramref name="rows"/>. A new parent has no parts yet, so only updated parents need a DELETE.
    /// </summary>
    public async Task ReplacePartsAsync<T>(CopyTable<T> table, UpsertResult parents, IEnumerable<T> rows, CancellationToken ct)
        where T : ResourcePart
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(parents);
        if (parents.Updated.Count > 0)
        {
            await using var delete = new NpgsqlCommand($"DELETE FROM {table.Qualified} WHERE parent_id = ANY($1)", connection);
            delete.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. parents.Updated] });
            await delete.ExecuteNonQueryAsync(ct);
        }

        var selected = rows.Where(r => parents.Inserted.Contains(r.ParentId) || parents.Updated.Contains(r.ParentId)).ToList();
        if (selected.Count > 0)
        {
            await CopyAsync(table.Qualified, table, selected, ct);
        }
    }

    /// <summary>
    /// The rows are written with the importer's synchronous calls: each only fills Npgsql's buffer (flushing it when
    /// full), and an await per column value costs more than the value itself.
    /// </summary>
    private async Task CopyAsync<T>(string target, CopyTable<T> table, List<T> rows, CancellationToken ct)
    {
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {target} ({table.ColumnList}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            table.WriteRow(importer, row);
        }

        await importer.CompleteAsync(ct);
    }

    private async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
