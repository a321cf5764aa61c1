using HimPortal.Application.Clinical.Records;
using HimPortal.Data.Bulk;
using HimPortal.Data.Records;
using Npgsql;

namespace HimPortal.Application.Clinical;

/// <summary>Why a resource of a record set crossed patients (ADR 0019).</summary>
internal enum ConflictKind
{
    /// <summary>It is stored in another patient's record: the set would move it. The set is refused.</summary>
    OtherPatient,

    /// <summary>
    /// A correction marked it entered-in-error and copied it to the right patient, and the set sends it again under one of
    /// that correction's two patients: it is left as it is (neither brought back into force nor changed), the set imports.
    /// </summary>
    Corrected,

    /// <summary>Its encounter is another patient's (stored, or in the set under another patient). The set is refused.</summary>
    OtherPatientsEncounter,
}

/// <param name="StoredPatientId">The patient whose record holds the resource (for an encounter conflict: the encounter).</param>
/// <param name="IncomingPatientId">The patient the set gives it to.</param>
/// <param name="EncounterFhirId">For <see cref="ConflictKind.OtherPatientsEncounter"/>, the encounter's FHIR id.</param>
internal sealed record RecordConflict(
    RecordSet Set, RecordSource Source, Guid ResourceId, byte[] IncomingHash, Guid StoredPatientId, Guid IncomingPatientId, ConflictKind Kind,
    string? EncounterFhirId = null);

/// <summary>A record set the writer refused, writing nothing, because a resource would cross patients.</summary>
internal sealed class RecordConflictException(IReadOnlyList<RecordConflict> conflicts)
    : Exception("A resource would cross patients: the record set is refused.")
{
    public IReadOnlyList<RecordConflict> Conflicts => conflicts;
}

public sealed partial class ClinicalRecordWriter
{
    private const string RecordConflictsSql = """
        INSERT INTO clinical.import_conflicts AS c (resource_type, resource_id, resource_fhir_id, stored_patient_id, incoming_patient_id,
            incoming_patient_fhir_id, incoming_patient_mrn, outcome, status, bundle_name, incoming_source_hash, first_seen_at, last_seen_at, times_seen)
        SELECT i.resource_type, i.resource_id, i.resource_fhir_id, i.stored, i.incoming, coalesce(i.incoming_fhir_id, p.fhir_id, ''),
               coalesce(i.incoming_mrn, p.mrn), i.outcome, 'open', i.bundle, i.hash, $11, $11, 1
        FROM unnest($1::text[], $2::uuid[], $3::text[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bytea[])
            AS i (resource_type, resource_id, resource_fhir_id, stored, incoming, incoming_fhir_id, incoming_mrn, outcome, bundle, hash)
        LEFT JOIN clinical.patients p ON p.id = i.incoming
        ORDER BY i.resource_id, i.incoming
        ON CONFLICT (resource_id, incoming_patient_id) DO UPDATE SET
            stored_patient_id = excluded.stored_patient_id, outcome = excluded.outcome, bundle_name = excluded.bundle_name,
            incoming_source_hash = excluded.incoming_source_hash, last_seen_at = excluded.last_seen_at, times_seen = c.times_seen + 1,
            -- A refusal seen again needs work again; a corrected original sent again is what a correction expects.
            status = CASE WHEN excluded.outcome = 'refused' THEN 'open' ELSE c.status END,
            resolved_at = CASE WHEN excluded.outcome = 'refused' THEN NULL ELSE c.resolved_at END,
            resolved_by_user_id = CASE WHEN excluded.outcome = 'refused' THEN NULL ELSE c.resolved_by_user_id END,
            resolved_by_name = CASE WHEN excluded.outcome = 'refused' THEN NULL ELSE c.resolved_by_name END
        """;

    /// <summary>
    /// Finds the sets' resources that would cross patients (<see cref="ConflictKind"/>), against what
    /// <paramref name="bulk"/> looked up. Corrected originals sent again are held back in <paramref name="bulk"/>; the
    /// others are returned for the caller to refuse.
    /// </summary>
    private static (List<RecordConflict> Refused, List<RecordConflict> HeldBack) FindConflicts(BulkUpsert bulk, IReadOnlyList<RecordSet> sets)
    {
        var refused = new List<RecordConflict>();
        var heldBack = new List<RecordConflict>();
        var heldBackKeys = new HashSet<Guid>();
        foreach (var set in sets)
        {
            foreach (var table in RecordTable.All)
            {
                if (table.Shared || table.FhirType == "Patient")
                {
                    continue;
                }

                var rows = table.Rows(set);
                for (var i = 0; i < rows.Count; i++)
                {
                    // A resource's patient never changes through an import (ADR 0015, 0019): the stored row's patient wins.
                    if (bulk.Stored(rows.Keys[i]) is not { } stored || (stored.Owner == rows.Owners[i] && !stored.EnteredInError))
                    {
                        continue;
                    }

                    var corrected = stored.EnteredInError && (rows.Owners[i] == stored.CorrectedFrom || rows.Owners[i] == stored.CorrectedTo);
                    var conflict = new RecordConflict(set, Source(set, rows.Keys[i], table.FhirType), rows.Keys[i], rows.Hashes[i], stored.Owner,
                        rows.Owners[i], corrected ? ConflictKind.Corrected : ConflictKind.OtherPatient);
                    if (corrected)
                    {
                        bulk.HoldBack(rows.Keys[i]);
                        heldBackKeys.Add(rows.Keys[i]);
                        heldBack.Add(conflict);
                    }
                    else
                    {
                        refused.Add(conflict);
                    }
                }
            }
        }

        // The encounter a resource belongs to is its own patient's: as the batch writes it, or as stored.
        var encounters = new Dictionary<Guid, (Guid Owner, string FhirId)>();
        foreach (var set in sets)
        {
            var rows = set.Encounters;
            for (var i = 0; i < rows.Count; i++)
            {
                var owner = heldBackKeys.Contains(rows.Keys[i]) ? bulk.Stored(rows.Keys[i])!.Value.Owner : rows.Owners[i];
                encounters[rows.Keys[i]] = (owner, Source(set, rows.Keys[i], "Encounter").FhirId);
            }
        }

        foreach (var set in sets)
        {
            foreach (var table in RecordTable.All)
            {
                var rows = table.Rows(set);
                for (var i = 0; i < rows.Count; i++)
                {
                    var encounter = rows.Encounters[i];
                    if (encounter == Guid.Empty || heldBackKeys.Contains(rows.Keys[i]))
                    {
                        continue;
                    }

                    var (owner, fhirId) = encounters.TryGetValue(encounter, out var inBatch) ? inBatch
                        : bulk.Encounter(encounter) is { } stored ? (stored.Owner, stored.FhirId)
                        : (rows.Owners[i], ""); // not in the record: the reference check refuses it
                    if (owner != rows.Owners[i])
                    {
                        refused.Add(new RecordConflict(set, Source(set, rows.Keys[i], table.FhirType), rows.Keys[i], rows.Hashes[i], owner,
                            rows.Owners[i], ConflictKind.OtherPatientsEncounter, fhirId));
                    }
                }
            }
        }

        return (refused, heldBack);
    }

    /// <summary>The encounters the sets' rows belong to that the sets do not carry: their patients are looked up.</summary>
    private static HashSet<Guid> EncountersOutside(IReadOnlyList<RecordSet> sets)
    {
        HashSet<Guid> carried = [.. sets.SelectMany(s => s.Encounters.Keys)];
        HashSet<Guid> outside = [];
        foreach (var set in sets)
        {
            foreach (var table in RecordTable.All)
            {
                foreach (var encounter in table.Rows(set).Encounters)
                {
                    if (encounter != Guid.Empty && !carried.Contains(encounter))
                    {
                        outside.Add(encounter);
                    }
                }
            }
        }

        return outside;
    }

    private static RecordSource Source(RecordSet set, Guid key, string type) =>
        set.Sources.TryGetValue(key, out var source) ? source : new RecordSource(-1, type, key.ToString("D"));

    /// <summary>
    /// Puts conflicts on the list the master patient index works (<c>clinical.import_conflicts</c>), one row per resource
    /// and incoming patient, counted each time it is seen: in the caller's transaction, or with none (a refusal, whose
    /// bundle rolled back) in a statement of its own. Encounter conflicts are the bundle's own inconsistency, not a
    /// stored resource claimed by another patient, and are not listed.
    /// </summary>
    internal static async Task RecordConflictsAsync(
        NpgsqlConnection connection, NpgsqlTransaction? transaction, IEnumerable<RecordConflict> conflicts, CancellationToken ct)
    {
        var listed = conflicts.Where(c => c.Kind != ConflictKind.OtherPatientsEncounter)
            .DistinctBy(c => (c.ResourceId, c.IncomingPatientId)).ToList();
        if (listed.Count == 0)
        {
            return;
        }

        string? Label(RecordConflict c, bool mrn) => c.Set.PatientLabels.TryGetValue(c.IncomingPatientId, out var l) ? mrn ? l.Mrn : l.FhirId : null;
        await using var insert = new NpgsqlCommand(RecordConflictsSql, connection, transaction);
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. listed.Select(c => c.Source.Type)] });
        insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. listed.Select(c => c.ResourceId)] });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. listed.Select(c => c.Source.FhirId)] });
        insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. listed.Select(c => c.StoredPatientId)] });
        insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. listed.Select(c => c.IncomingPatientId)] });
        insert.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. listed.Select(c => Label(c, mrn: false))] });
        insert.Parameters.Add(new NpgsqlParameter<string?[]> { TypedValue = [.. listed.Select(c => Label(c, mrn: true))] });
        insert.Parameters.Add(new NpgsqlParameter<string[]>
        {
            TypedValue = [.. listed.Select(c => c.Kind == ConflictKind.Corrected ? ImportConflict.HeldBack : ImportConflict.Refused)],
        });
        insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. listed.Select(c => Clip(c.Set.Origin, 256))] });
        insert.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. listed.Select(c => c.IncomingHash)] });
        insert.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = listed.Max(c => c.Set.ReadAt) });
        await insert.ExecuteNonQueryAsync(ct);
    }

    private static string Clip(string value, int length) => value.Length > length ? value[..length] : value;
}
