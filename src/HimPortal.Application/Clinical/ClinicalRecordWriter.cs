using HimPortal.Application.Clinical.Records;
using HimPortal.Data;
using HimPortal.Data.Bulk;
using HimPortal.Data.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace HimPortal.Application.Clinical;

/// <summary>What one record set changed: per FHIR type, and whose records.</summary>
/// <param name="Records">The patients whose records changed, and <see cref="RecordVersion.Shared"/> when master data did.</param>
public sealed record RecordSetWrite(TypeCounts Created, TypeCounts Updated, TypeCounts Unchanged, IReadOnlySet<Guid> Records);

/// <summary>
/// The one writer of the clinical record (the `clinical` schema): the import and every later feature that changes
/// clinical data (document indexing, master patient index links, signatures, amendments, corrections) write through it,
/// and it bumps the versions of every record it changed in the same transaction (<see cref="RecordVersions.BumpSql"/>),
/// so that a kept chart is never staler than the database (docs/adr/0011). An architecture test fails when anything else
/// writes `clinical` tables. The rules of the record hold in PostgreSQL too: references are checked once per statement,
/// and whole resources are never deleted, truncated or re-keyed (docs/adr/0012).
/// </summary>
public sealed partial class ClinicalRecordWriter
{
    /// <summary>
    /// Writes record sets (one per bundle) table by table, one COPY per table for all of them, in the caller's
    /// transaction; a row whose stored hash is the same is left alone (a re-import changes nothing). Returns what each
    /// set changed, and bumps the versions of the records it changed: every patient whose rows it wrote, whichever
    /// patients the set carries. A resource never changes patient here (ADR 0019): a row stored under another patient,
    /// or whose encounter is another patient's, refuses the sets with <see cref="RecordConflictException"/>, writing
    /// nothing (the caller lists the conflicts, <see cref="RecordConflictsAsync"/>); an original a correction marked
    /// entered-in-error, sent again under one of the correction's patients, is left as it is and listed. The stays the
    /// sets discharged or added to are queued for chart completion's analysis (<see cref="StaysToAnalyse"/>).
    /// </summary>
    internal static async Task<IReadOnlyList<RecordSetWrite>> WriteAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<RecordSet> sets, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(sets);
        var bulk = new BulkUpsert(connection);
        foreach (var table in RecordTable.All)
        {
            table.LookUp(bulk, sets);
        }

        bulk.LookUpEncounters(EncountersOutside(sets));
        await bulk.LookUpAsync(ct);
        var (refused, heldBack) = FindConflicts(bulk, sets);
        if (refused.Count > 0)
        {
            throw new RecordConflictException(refused);
        }

        await RecordConflictsAsync(connection, transaction, heldBack, ct);
        var inserted = new HashSet<Guid>();
        var updated = new HashSet<Guid>();
        foreach (var table in RecordTable.All)
        {
            var result = await table.WriteAsync(bulk, sets, ct);
            inserted.UnionWith(result.Inserted);
            updated.UnionWith(result.Updated);
        }

        var writes = new List<RecordSetWrite>(sets.Count);
        var changedRecords = new HashSet<Guid>();
        foreach (var set in sets)
        {
            var created = new TypeCounts();
            var changedRows = new TypeCounts();
            var unchanged = new TypeCounts();
            var records = new HashSet<Guid>();
            foreach (var table in RecordTable.All)
            {
                var rows = table.Rows(set);
                var (added, changed) = (0, 0);
                for (var i = 0; i < rows.Count; i++)
                {
                    var wasAdded = inserted.Contains(rows.Keys[i]);
                    var wasChanged = !wasAdded && updated.Contains(rows.Keys[i]);
                    if (wasAdded || wasChanged)
                    {
                        (added, changed) = (added + (wasAdded ? 1 : 0), changed + (wasChanged ? 1 : 0));
                        // The record the row is in, not the set's patient: a bundle may add to another stored patient's record.
                        records.Add(table.Shared ? RecordVersion.Shared : rows.Owners[i]);
                    }
                }

                created.Increment(table.FhirType, added);
                changedRows.Increment(table.FhirType, changed);
                unchanged.Increment(table.FhirType, rows.Count - added - changed);
            }

            changedRecords.UnionWith(records);
            writes.Add(new RecordSetWrite(created, changedRows, unchanged, records));
        }

        await BumpAsync(connection, transaction, changedRecords, ct);
        // Chart completion looks again at every stay discharged, or given a document, procedure or order, by these sets.
        await StaysToAnalyse.QueueAsync(connection, transaction, [.. inserted, .. updated], "import", now, ct);
        return writes;
    }

    /// <summary>Bumps the versions of <paramref name="records"/> (patients' ids, <see cref="RecordVersion.Shared"/>) in the caller's transaction.</summary>
    public static async Task BumpAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IEnumerable<Guid> records, CancellationToken ct)
    {
        Guid[] ids = [.. records.Distinct()];
        if (ids.Length == 0)
        {
            return;
        }

        // The SQL sorts them: one lock order for parallel writers.
        await using var bump = new NpgsqlCommand(RecordVersions.BumpSql, connection, transaction);
        bump.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
        await bump.ExecuteNonQueryAsync(ct);
    }

    /// <summary>As <see cref="BumpAsync(NpgsqlConnection, NpgsqlTransaction?, IEnumerable{Guid}, CancellationToken)"/>, in the DbContext's transaction.</summary>
    public static Task BumpAsync(HimDbContext db, IEnumerable<Guid> records, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("A record's version is bumped in the transaction that changes it: begin one first.");
        return BumpAsync((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction(), records, ct);
    }

    /// <summary>
    /// Synthetic patients for `himportal audit generate` (a name, an MRN, a birth date, each tagged synthetic in its FHIR
    /// resource), so that synthetic audit rows name patients the compliance pages can show. Already present ids are kept.
    /// </summary>
    internal static async Task AddSyntheticPatientsAsync(
        NpgsqlConnection connection, Guid[] ids, string[] given, string[] family, DateOnly[] born, string[] sex, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO clinical.patients (id, fhir_id, resource, source_hash, imported_at, mrn, family_name, given_names, search_name,
                birth_date, sex, deceased)
            SELECT n.id, 'syn-' || n.id, r.resource, sha256(convert_to(r.resource::text, 'UTF8')), now(),
                   'SYN' || lpad(n.ord::text, 7, '0'), n.family, n.given, lower(n.given || ' ' || n.family), n.born, n.sex, false
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::date[], $5::text[]) WITH ORDINALITY AS n(id, given, family, born, sex, ord)
            CROSS JOIN LATERAL (SELECT jsonb_build_object('resourceType', 'Patient', 'id', 'syn-' || n.id,
                'meta', jsonb_build_object('tag', jsonb_build_array(jsonb_build_object('code', 'synthetic')))) AS resource) r
            ON CONFLICT (id) DO NOTHING
            """, connection);
        insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = ids });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = given });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = family });
        insert.Parameters.Add(new NpgsqlParameter<DateOnly[]> { TypedValue = born });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = sex });
        insert.CommandTimeout = 600;
        await insert.ExecuteNonQueryAsync(ct);
    }
}
