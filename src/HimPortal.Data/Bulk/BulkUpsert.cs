using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace HimPortal.Data.Bulk;

/// <summary>The result of upserting one table's rows: which keys were inserted, which updated (the rest were unchanged).</summary>
public sealed record UpsertResult(IReadOnlyList<Guid> Inserted, IReadOnlyList<Guid> Updated);

/// <summary>
/// Writes resources with binary COPY: new keys straight into the record, keys whose source hash changed through a
/// per-session staging table and one UPDATE, identical rows not at all (an import is idempotent). EF Core's model supplies tables and columns, so the mapping lives in one place. EF change
/// tracking is 10–15× slower than COPY; interactive commands keep using it, bulk intake does not.
/// </summary>
public sealed class BulkUpsert(HimDbContext db)
{
    private readonly HashSet<string> _staged = [];

    public async Task<UpsertResult> UpsertAsync<T>(IReadOnlyCollection<T> rows, CancellationToken ct)
        where T : ClinicalResource
    {
        if (rows.Count == 0)
        {
            return new UpsertResult([], []);
        }

        var table = Table.Of(db, typeof(T));
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();

        // What is stored already, and with which content hash: new rows are copied straight into the table (the common
        // case, as fast as storing the JSON at all), changed rows go through a staging table, identical ones are left alone.
        var stored = new Dictionary<Guid, byte[]>();
        await using (var query = new NpgsqlCommand($"SELECT id, source_hash FROM {table.Qualified} WHERE id = ANY($1)", connection))
        {
            query.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. rows.Select(r => r.Id)] });
            await using var reader = await query.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                stored[reader.GetGuid(0)] = reader.GetFieldValue<byte[]>(1);
            }
        }

        var inserted = rows.Where(r => !stored.ContainsKey(r.Id)).ToList();
        var changed = rows.Where(r => stored.TryGetValue(r.Id, out var hash) && !hash.AsSpan().SequenceEqual(r.SourceHash)).ToList();
        if (inserted.Count > 0)
        {
            await CopyAsync(connection, table.Qualified, table, inserted, ct);
        }

        if (changed.Count > 0)
        {
            var stage = "stage_" + table.Name;
            if (_staged.Add(stage))
            {
                await Execute(connection,
                    $"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table.Qualified} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS", ct);
            }

            await Execute(connection, $"TRUNCATE {stage}", ct);
            await CopyAsync(connection, stage, table, changed, ct);
            var updates = string.Join(", ", table.Columns.Where(c => c.Name != "id").Select(c => $"{c.Name} = s.{c.Name}"));
            await Execute(connection, $"UPDATE {table.Qualified} AS t SET {updates} FROM {stage} AS s WHERE t.id = s.id", ct);
        }

        return new UpsertResult([.. inserted.Select(r => r.Id)], [.. changed.Select(r => r.Id)]);
    }

    /// <summary>Replaces the parts (participants, components, members) of the given parents with <paramref name="rows"/>.</summary>
    public async Task ReplacePartsAsync<T>(IReadOnlyCollection<Guid> parents, IEnumerable<T> rows, CancellationToken ct)
        where T : ResourcePart
    {
        if (parents.Count == 0)
        {
            return;
        }

        var table = Table.Of(db, typeof(T));
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using (var delete = new NpgsqlCommand($"DELETE FROM {table.Qualified} WHERE parent_id = ANY($1)", connection))
        {
            delete.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. parents] });
            await delete.ExecuteNonQueryAsync(ct);
        }

        var keep = parents as IReadOnlySet<Guid> ?? parents.ToHashSet();
        var selected = rows.Where(r => keep.Contains(r.ParentId)).ToList();
        if (selected.Count > 0)
        {
            await CopyAsync(connection, table.Qualified, table, selected, ct);
        }
    }

    private static async Task CopyAsync<T>(NpgsqlConnection connection, string target, Table table, IEnumerable<T> rows, CancellationToken ct)
    {
        var columns = string.Join(", ", table.Columns.Select(c => c.Name));
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {target} ({columns}) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(ct);
            foreach (var column in table.Columns)
            {
                var value = column.Property.GetGetter().GetClrValue(row!);
                if (value is null)
                {
                    await importer.WriteNullAsync(ct);
                }
                else
                {
                    await importer.WriteAsync(value, column.StoreType, ct);
                }
            }
        }

        await importer.CompleteAsync(ct);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private sealed record Column(string Name, string StoreType, IProperty Property);

    private sealed record Table(string Name, string Qualified, IReadOnlyList<Column> Columns)
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Table> Cache = new();

        public static Table Of(HimDbContext db, Type clrType) => Cache.GetOrAdd(clrType, type =>
        {
            var entity = db.Model.FindEntityType(type) ?? throw new InvalidOperationException($"{type.Name} is not in the model.");
            var name = entity.GetTableName()!;
            var identifier = StoreObjectIdentifier.Table(name, entity.GetSchema());
            var columns = entity.GetProperties()
                .Select(p => new Column(p.GetColumnName(identifier)!, p.GetColumnType(identifier), p))
                .ToList();
            return new Table(name, $"{entity.GetSchema()}.{name}", columns);
        });
    }
}
