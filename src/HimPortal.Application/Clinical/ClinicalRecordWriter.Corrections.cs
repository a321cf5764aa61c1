using HimPortal.Application.Clinical.Corrections;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Records;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace HimPortal.Application.Clinical;

/// <summary>
/// Corrections between patients (ADR 0015): a row's patient is never updated in place. The writer marks the originals
/// entered-in-error, writes copies under the right patient (new keys, references among the moved items re-pointed, the
/// JSON rewritten), records who, why and from where, and bumps both records' versions, all in the caller's transaction;
/// an undo puts the originals back in force and marks the copies. It refuses, writing nothing, whatever would leave a
/// reference across the two records: the moved items and those that stay must not refer to each other.
/// </summary>
public sealed partial class ClinicalRecordWriter
{
    private const string PatientsSql = "SELECT id, fhir_id, nullif(concat_ws(' ', given_names, family_name), '') FROM clinical.patients WHERE id = ANY($1)";

    private const string VersionSql = "SELECT version FROM clinical.record_versions WHERE record_id = $1";

    private const string MarkedSql = """
        SELECT resource_type, resource_id FROM clinical.entered_in_error WHERE resource_id = ANY($1) AND cleared_at IS NULL ORDER BY resource_id LIMIT 1
        """;

    private const string InsertCorrectionSql = """
        INSERT INTO clinical.corrections (id, from_patient_id, to_patient_id, reason, source, corrected_by_user_id, corrected_by_name, corrected_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
        """;

    private const string InsertItemsSql = """
        INSERT INTO clinical.correction_items (correction_id, resource_type, original_id, copy_id, copy_fhir_id)
        SELECT $1, i.resource_type, i.original_id, i.copy_id, i.copy_fhir_id
        FROM unnest($2::text[], $3::uuid[], $4::uuid[], $5::text[]) AS i (resource_type, original_id, copy_id, copy_fhir_id)
        """;

    private const string MarkSql = """
        INSERT INTO clinical.entered_in_error (resource_id, correction_id, resource_type, patient_id, kind, marked_at)
        SELECT m.resource_id, $1, m.resource_type, $4, $5, $6 FROM unnest($2::uuid[], $3::text[]) AS m (resource_id, resource_type)
        """;

    /// <summary>
    /// Moves <see cref="CorrectionRequest.Items"/> from one patient's record to another's, in the caller's transaction (the
    /// DbContext's). Refused, with nothing written: the same patient twice, an unknown patient, an item that is not the
    /// first patient's or is entered-in-error already, a reference between a moved item and one that stays (in the
    /// record's reference columns, or a moved item's JSON), a first record that changed since the corrector looked
    /// (<see cref="CorrectionRequest.ExpectedFromVersion"/>).
    /// </summary>
    public static async Task<Result<CorrectionWritten>> CorrectAsync(HimDbContext db, CorrectionRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (connection, transaction) = CurrentTransaction(db);
        if (request.FromPatientId == request.ToPatientId)
        {
            return CorrectionErrors.SamePatient;
        }

        List<RecordItem> items = [.. request.Items.Distinct()];
        if (items.Count == 0)
        {
            return CorrectionErrors.NoItems;
        }

        if (items.FirstOrDefault(i => !CorrectionCatalogue.IsMovable(i.ResourceType)) is { } odd)
        {
            return CorrectionErrors.NotMovable(odd.ResourceType);
        }

        var patients = await ReadPatientsAsync(connection, transaction, [request.FromPatientId, request.ToPatientId], ct);
        if (!patients.TryGetValue(request.FromPatientId, out var from) || !patients.TryGetValue(request.ToPatientId, out var to))
        {
            return CorrectionErrors.NoSuchPatient;
        }

        // Locked first, then checked: an import or another correction of these rows waits until this one commits.
        var originals = await LockOriginalsAsync(connection, transaction, items, ct);
        if (items.FirstOrDefault(i => !originals.TryGetValue(i.Id, out var row) || row.Type != i.ResourceType || row.PatientId != from.Id) is { } stranger)
        {
            return CorrectionErrors.NotThePatients(stranger);
        }

        if (request.ExpectedFromVersion is { } expected && await ReadVersionAsync(connection, transaction, from.Id, ct) != expected)
        {
            return CorrectionErrors.RecordChanged;
        }

        Guid[] keys = [.. items.Select(i => i.Id)];
        if (await FirstItemAsync(connection, transaction, MarkedSql, ct, keys) is { } marked)
        {
            return CorrectionErrors.AlreadyEnteredInError(marked);
        }

        if (await FirstCrossingAsync(connection, transaction, keys, ct) is { } crossing)
        {
            return crossing;
        }

        var copies = items.ToDictionary(i => i.Id, i =>
        {
            var fhirId = Guid.CreateVersion7(request.At).ToString("D");
            return new CorrectedItem(i.ResourceType, i.Id, ClinicalKeys.For(i.ResourceType, fhirId), fhirId);
        });
        var byFhirId = new Dictionary<string, (string Type, string CopyFhirId)>(StringComparer.Ordinal);
        foreach (var (key, row) in originals)
        {
            byFhirId.TryAdd(row.FhirId, (row.Type, copies[key].CopyFhirId));
        }

        var rewritten = new Dictionary<Guid, RewrittenResource>();
        var referrers = new Dictionary<Guid, RecordItem>();
        foreach (var item in items)
        {
            var row = originals[item.Id];
            if (ResourceRewrite.Rewrite(row.Json, copies[item.Id].CopyFhirId, from.FhirId, to.FhirId, to.Display, byFhirId) is not { } copy)
            {
                return CorrectionErrors.Unrewritable(item);
            }

            rewritten[item.Id] = copy;
            // A reference in the JSON alone (a prescription's reason, a plan's condition) names an item by FHIR id:
            // its key is derived from the type and that id, so the candidates are checked by key, not by a scan.
            foreach (var (type, id) in copy.OtherReferences)
            {
                foreach (var candidate in type is null ? CorrectionCatalogue.Tables.Select(t => t.FhirType) : [type])
                {
                    if (CorrectionCatalogue.IsMovable(candidate))
                    {
                        referrers.TryAdd(ClinicalKeys.For(candidate, id), item);
                    }
                }
            }
        }

        if (referrers.Count > 0
            && await FirstItemAsync(connection, transaction, CorrectionCatalogue.ItemsOfPatientSql, ct, referrers.Keys.ToArray(), from.Id) is { } left)
        {
            return CorrectionErrors.LeftBehind(referrers[left.Id], left, referrerMoves: true);
        }

        var correctionId = Guid.CreateVersion7(request.At);
        var written = items.Select(i => copies[i.Id]).ToList();
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Command(InsertCorrectionSql, correctionId, from.Id, to.Id, request.Reason, request.Source,
                request.By.UserId, request.By.Name, request.At));
            Guid[] allOriginals = [.. written.Select(c => c.OriginalId)];
            Guid[] allCopies = [.. written.Select(c => c.CopyId)];
            foreach (var table in CorrectionCatalogue.Tables)
            {
                var rows = written.Where(c => c.ResourceType == table.FhirType).ToList();
                if (rows.Count == 0)
                {
                    continue;
                }

                Guid[] tableOriginals = [.. rows.Select(c => c.OriginalId)];
                Guid[] tableCopies = [.. rows.Select(c => c.CopyId)];
                batch.BatchCommands.Add(Command(table.InsertSql, tableOriginals, tableCopies, rows.Select(c => c.CopyFhirId).ToArray(),
                    rows.Select(c => rewritten[c.OriginalId].Json).ToArray(), rows.Select(c => rewritten[c.OriginalId].Hash).ToArray(),
                    to.Id, allOriginals, allCopies, request.At));
                if (table.InsertPartsSql is { } parts)
                {
                    batch.BatchCommands.Add(Command(parts, tableOriginals, tableCopies, to.Id, allOriginals, allCopies));
                }
            }

            batch.BatchCommands.Add(Command(InsertItemsSql, correctionId, written.Select(c => c.ResourceType).ToArray(), allOriginals, allCopies,
                written.Select(c => c.CopyFhirId).ToArray()));
            batch.BatchCommands.Add(Command(MarkSql, correctionId, allOriginals, written.Select(c => c.ResourceType).ToArray(), from.Id,
                EnteredInError.Moved, request.At));
            batch.BatchCommands.Add(Command(RecordVersions.BumpSql, new[] { from.Id, to.Id }));
            await batch.ExecuteNonQueryAsync(ct);
        }

        return Result<CorrectionWritten>.Success(new CorrectionWritten(correctionId, from.Id, to.Id, written));
    }

    /// <summary>
    /// Undoes a correction exactly, in the caller's transaction: its originals back in force, its copies entered-in-error
    /// (kept, as everything is), the undo recorded on the correction, both records' versions bumped. Refused when it was
    /// undone already, or when one of its copies has been corrected again since (undo that correction first).
    /// </summary>
    public static async Task<Result<CorrectionWritten>> UndoCorrectionAsync(HimDbContext db, UndoCorrectionRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var (connection, transaction) = CurrentTransaction(db);
        Guid from, to;
        await using (var read = new NpgsqlCommand(
                         "SELECT from_patient_id, to_patient_id, undone_at FROM clinical.corrections WHERE id = $1 FOR UPDATE", connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = request.CorrectionId });
            await using var reader = await read.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return CorrectionErrors.NoSuchCorrection;
            }

            if (!reader.IsDBNull(2))
            {
                return CorrectionErrors.AlreadyUndone(reader.GetFieldValue<DateTimeOffset>(2));
            }

            (from, to) = (reader.GetGuid(0), reader.GetGuid(1));
        }

        var items = new List<CorrectedItem>();
        await using (var read = new NpgsqlCommand(
                         "SELECT resource_type, original_id, copy_id, copy_fhir_id FROM clinical.correction_items WHERE correction_id = $1 ORDER BY original_id",
                         connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = request.CorrectionId });
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                items.Add(new CorrectedItem(reader.GetString(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3)));
            }
        }

        Guid[] copies = [.. items.Select(i => i.CopyId)];
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var table in CorrectionCatalogue.Tables.Where(t => items.Any(i => i.ResourceType == t.FhirType)))
            {
                batch.BatchCommands.Add(Command(table.LockKeysSql, items.Where(i => i.ResourceType == table.FhirType).Select(i => i.CopyId).ToArray()));
            }

            await batch.ExecuteNonQueryAsync(ct);
        }

        if (await FirstItemAsync(connection, transaction, MarkedSql, ct, copies) is { } corrected)
        {
            return CorrectionErrors.CopyCorrectedSince(corrected);
        }

        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(Command(
                "UPDATE clinical.entered_in_error SET cleared_at = $2 WHERE correction_id = $1 AND kind = 'moved' AND cleared_at IS NULL",
                request.CorrectionId, request.At));
            batch.BatchCommands.Add(Command(MarkSql, request.CorrectionId, copies, items.Select(i => i.ResourceType).ToArray(), to,
                EnteredInError.Undone, request.At));
            batch.BatchCommands.Add(Command(
                "UPDATE clinical.corrections SET undone_at = $2, undone_by_user_id = $3, undone_by_name = $4, undo_reason = $5 WHERE id = $1",
                request.CorrectionId, request.At, request.By.UserId, request.By.Name, request.Reason));
            batch.BatchCommands.Add(Command(RecordVersions.BumpSql, new[] { from, to }));
            await batch.ExecuteNonQueryAsync(ct);
        }

        return Result<CorrectionWritten>.Success(new CorrectionWritten(request.CorrectionId, from, to, items));
    }

    /// <summary>
    /// An encounter of <paramref name="patientId"/>'s and every item in force of the patient's that refers to it (its
    /// diagnoses, results, reports, notes, orders, procedures, …): what a correction of a misfiled visit moves together.
    /// Empty when the encounter is not the patient's.
    /// </summary>
    public static async Task<IReadOnlyList<RecordItem>> ItemsOfEncounterAsync(HimDbContext db, Guid patientId, Guid encounterId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var command = new NpgsqlCommand(CorrectionCatalogue.ItemsOfEncounterSql, connection,
                (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction());
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = encounterId });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = patientId });
            var items = new List<RecordItem>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                items.Add(new RecordItem(reader.GetString(0), reader.GetGuid(1)));
            }

            return items;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private sealed record PatientRow(Guid Id, string FhirId, string? Display);

    private sealed record OriginalRow(string Type, Guid PatientId, string FhirId, string Json);

    private static (NpgsqlConnection, NpgsqlTransaction) CurrentTransaction(HimDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException("A correction is written in the caller's transaction, with its audit rows: begin one first.");
        return ((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction());
    }

    private static async Task<Dictionary<Guid, PatientRow>> ReadPatientsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] ids, CancellationToken ct)
    {
        await using var command = SqlCommand(connection, transaction, PatientsSql, ids);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var patients = new Dictionary<Guid, PatientRow>();
        while (await reader.ReadAsync(ct))
        {
            patients[reader.GetGuid(0)] = new PatientRow(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        }

        return patients;
    }

    private static async Task<Dictionary<Guid, OriginalRow>> LockOriginalsAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, List<RecordItem> items, CancellationToken ct)
    {
        var tables = CorrectionCatalogue.Tables.Where(t => items.Any(i => i.ResourceType == t.FhirType)).ToList();
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var table in tables)
        {
            batch.BatchCommands.Add(Command(table.LockSql, items.Where(i => i.ResourceType == table.FhirType).Select(i => i.Id).ToArray()));
        }

        var rows = new Dictionary<Guid, OriginalRow>();
        await using var reader = await batch.ExecuteReaderAsync(ct);
        foreach (var table in tables)
        {
            while (await reader.ReadAsync(ct))
            {
                rows[reader.GetGuid(0)] = new OriginalRow(table.FhirType, reader.GetGuid(1), reader.GetString(2), reader.GetString(3));
            }

            await reader.NextResultAsync(ct);
        }

        return rows;
    }

    private static async Task<long> ReadVersionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid record, CancellationToken ct)
    {
        await using var command = SqlCommand(connection, transaction, VersionSql, record);
        return await command.ExecuteScalarAsync(ct) is long version ? version : 0;
    }

    /// <summary>The first row (type, key) of a query over items, or null.</summary>
    private static async Task<RecordItem?> FirstItemAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct, params object[] parameters)
    {
        await using var command = SqlCommand(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new RecordItem(reader.GetString(0), reader.GetGuid(1)) : null;
    }

    private static async Task<Error?> FirstCrossingAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid[] keys, CancellationToken ct)
    {
        await using var command = SqlCommand(connection, transaction, CorrectionCatalogue.CrossingReferencesSql, keys);
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? CorrectionErrors.LeftBehind(new RecordItem(reader.GetString(0), reader.GetGuid(1)), new RecordItem(reader.GetString(2), reader.GetGuid(3)),
                reader.GetBoolean(4))
            : null;
    }

    /// <summary>A batch command with positional parameters (see <see cref="AddParameters"/>).</summary>
    private static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        AddParameters(command.Parameters, values);
        return command;
    }

    private static NpgsqlCommand SqlCommand(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params object?[] values)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        AddParameters(command.Parameters, values);
        return command;
    }

    /// <summary>
    /// Each parameter typed by its value (arrays as PostgreSQL arrays); a null (an account the console's operator does not
    /// have) is sent untyped, and PostgreSQL types it by the column it is written to.
    /// </summary>
    private static void AddParameters(NpgsqlParameterCollection parameters, object?[] values)
    {
        foreach (var value in values)
        {
            parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
    }
}
