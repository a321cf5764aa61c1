using System.Collections.Frozen;
using System.Text;
using HimPortal.Application.Clinical.Records;
using HimPortal.Data.Bulk;

namespace HimPortal.Application.Clinical.Corrections;

/// <summary>
/// One table of a patient's own items (not master data, not the patient), as a correction copies it: how each column of
/// the copy is made, and which columns refer to other items of the record (they follow those items to their copies).
/// </summary>
internal sealed class MovableTable
{
    public MovableTable(string fhirType, CopyTable table, CopyTable? parts)
    {
        FhirType = fhirType;
        Table = table;
        Parts = parts;
        References = CorrectionCatalogue.ItemReferencesOf(table, part: false);
        PartReferences = parts is null ? [] : CorrectionCatalogue.ItemReferencesOf(parts, part: true);
        LockSql = $"SELECT id, patient_id, fhir_id, resource::text FROM {table.Qualified} WHERE id = ANY($1) ORDER BY id FOR UPDATE";
        LockKeysSql = $"SELECT id FROM {table.Qualified} WHERE id = ANY($1) ORDER BY id FOR UPDATE";
        InsertSql = CorrectionCatalogue.InsertResources(table);
        InsertPartsSql = parts is null ? null : CorrectionCatalogue.InsertParts(parts);
    }

    public string FhirType { get; }

    public CopyTable Table { get; }

    public CopyTable? Parts { get; }

    /// <summary>The table's columns that refer to another item of the patient's record, with that item's FHIR type.</summary>
    public IReadOnlyList<(string Column, string Type)> References { get; }

    /// <summary>The same for the parts' table, its parent_id aside (parts always move with their parent).</summary>
    public IReadOnlyList<(string Column, string Type)> PartReferences { get; }

    /// <summary>$1: keys. Reads the rows to move and locks them: a concurrent import or correction of them waits for this one.</summary>
    public string LockSql { get; }

    /// <summary>$1: keys. Locks the rows without reading them (an undo's copies).</summary>
    public string LockKeysSql { get; }

    /// <summary>
    /// $1 originals, $2 copies' keys, $3 copies' FHIR ids, $4 copies' JSON, $5 its SHA-256, $6 the target patient,
    /// $7 and $8 every moved original and its copy (for references among them), $9 the time of the correction.
    /// </summary>
    public string InsertSql { get; }

    /// <summary>$1 parents' originals, $2 their copies, $3 the target patient, $4 and $5 every moved original and its copy.</summary>
    public string? InsertPartsSql { get; }
}

/// <summary>
/// What a correction may move and how, read once from the record's own catalogue: its tables (<see cref="RecordTable.All"/>)
/// and their columns (<see cref="ClinicalCopyMap"/>, generated from the EF Core model and checked against it by a test).
/// The copy statements are built from those column lists rather than written per table, so a column added to a table is
/// copied without touching this code; a new reference column must be named below as one or the other kind, or the
/// catalogue refuses to load (a reference copied unchanged by mistake would tie the copy to the first patient's record).
/// </summary>
internal static class CorrectionCatalogue
{
    /// <summary>References to another item of the same patient's record (ADR 0012's catalogue: these name patient-owned tables).</summary>
    private static readonly FrozenDictionary<string, string> ItemReferenceTypes = new Dictionary<string, string>
    {
        ["encounter_id"] = "Encounter",
        ["care_team_id"] = "CareTeam",
        ["observation_id"] = "Observation",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>References to master data every record shares (practitioners, organizations, locations, medications): copied as they are.</summary>
    private static readonly FrozenSet<string> SharedReferences = new[]
    {
        "practitioner_id", "organization_id", "location_id", "service_provider_id", "managing_organization_id", "medication_id",
        "requester_id", "author_id", "custodian_id", "authenticator_id", "performer_id",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The tables of a patient's own items, in the order their references need (a referenced item first).</summary>
    public static IReadOnlyList<MovableTable> Tables { get; } =
        [.. RecordTable.All.Where(t => !t.Shared && t.FhirType != "Patient").Select(t => new MovableTable(t.FhirType, t.Table, t.PartTable))];

    public static FrozenDictionary<string, MovableTable> ByType { get; } = Tables.ToFrozenDictionary(t => t.FhirType, StringComparer.Ordinal);

    /// <summary>
    /// $1: keys of every moved item. The references that would cross between the moved items and those that stay: a moved
    /// item that refers to an item left behind (forward), and an item in force left behind that refers to a moved one.
    /// Rows: referrer type, referrer key, referenced type, referenced key, whether the referrer is the moved one.
    /// </summary>
    public static string CrossingReferencesSql { get; } = BuildCrossingReferences();

    /// <summary>$1: candidate keys, $2: the patient. Which of them are items in force of that patient's record (type, key).</summary>
    public static string ItemsOfPatientSql { get; } = string.Join("\nUNION ALL\n", Tables.Select(t =>
        $"SELECT '{t.FhirType}', t.id FROM {t.Table.Qualified} t WHERE t.id = ANY($1) AND t.patient_id = $2 AND {InForce.NotEnteredInError("t.id")}"));

    /// <summary>$1: an encounter's key, $2: its patient. The encounter and every item in force of the patient's that refers to it.</summary>
    public static string ItemsOfEncounterSql { get; } = string.Join("\nUNION ALL\n",
        new[] { "SELECT 'Encounter', e.id FROM clinical.encounters e WHERE e.id = $1 AND e.patient_id = $2" }.Concat(
            Tables.Where(t => t.References.Any(r => r.Column == "encounter_id")).Select(t =>
                $"SELECT '{t.FhirType}', t.id FROM {t.Table.Qualified} t WHERE t.encounter_id = $1 AND t.patient_id = $2 AND {InForce.NotEnteredInError("t.id")}")));

    public static bool IsMovable(string resourceType) => ByType.ContainsKey(resourceType);

    internal static List<(string Column, string Type)> ItemReferencesOf(CopyTable table, bool part)
    {
        var references = new List<(string, string)>();
        foreach (var column in table.Columns.Where(c => c.EndsWith("_id", StringComparison.Ordinal)))
        {
            // fhir_id is the resource's own FHIR id, text, not a reference.
            if (column is "patient_id" or "fhir_id" || (part && column is "parent_id") || SharedReferences.Contains(column))
            {
                continue;
            }

            references.Add(ItemReferenceTypes.TryGetValue(column, out var type)
                ? (column, type)
                : throw new InvalidOperationException(
                    $"{table.Qualified}.{column} is a reference the correction does not know: name it in CorrectionCatalogue as a reference to master data or to an item of the record."));
        }

        return references;
    }

    internal static string InsertResources(CopyTable table)
    {
        foreach (var required in new[] { "id", "fhir_id", "resource", "source_hash", "imported_at", "patient_id" })
        {
            if (!table.Columns.Contains(required))
            {
                throw new InvalidOperationException($"{table.Qualified} has no {required} column: it is not a table of a patient's items.");
            }
        }

        var values = table.Columns.Select(column => column switch
        {
            "id" => "m.copy",
            "fhir_id" => "m.fhir_id",
            "resource" => "m.resource::json",
            "source_hash" => "m.hash",
            "imported_at" => "$9",
            "patient_id" => "$6",
            _ when ItemReferenceTypes.ContainsKey(column) => $"(SELECT v.copy FROM moved v WHERE v.original = t.{column})",
            _ => "t." + column,
        });
        return $"""
            WITH moved (original, copy) AS (SELECT * FROM unnest($7::uuid[], $8::uuid[]))
            INSERT INTO {table.Qualified} ({table.ColumnList})
            SELECT {string.Join(", ", values)}
            FROM {table.Qualified} t
            JOIN unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::bytea[]) AS m (original, copy, fhir_id, resource, hash) ON m.original = t.id
            """;
    }

    internal static string InsertParts(CopyTable parts)
    {
        var values = parts.Columns.Select(column => column switch
        {
            "parent_id" => "m.copy",
            "patient_id" => "$3",
            _ when ItemReferenceTypes.ContainsKey(column) => $"(SELECT v.copy FROM moved v WHERE v.original = t.{column})",
            _ => "t." + column,
        });
        return $"""
            WITH moved (original, copy) AS (SELECT * FROM unnest($4::uuid[], $5::uuid[]))
            INSERT INTO {parts.Qualified} ({parts.ColumnList})
            SELECT {string.Join(", ", values)}
            FROM {parts.Qualified} t
            JOIN unnest($1::uuid[], $2::uuid[]) AS m (original, copy) ON m.original = t.parent_id
            """;
    }

    private static string BuildCrossingReferences()
    {
        var checks = new List<string>();
        foreach (var table in Tables)
        {
            foreach (var (column, type) in table.References)
            {
                checks.Add($"SELECT '{table.FhirType}', t.id, '{type}', t.{column}, true FROM {table.Table.Qualified} t WHERE t.id = ANY($1) AND t.{column} <> ALL($1)");
                checks.Add($"SELECT '{table.FhirType}', t.id, '{type}', t.{column}, false FROM {table.Table.Qualified} t " +
                           $"WHERE t.{column} = ANY($1) AND t.id <> ALL($1) AND {InForce.NotEnteredInError("t.id")}");
            }

            foreach (var (column, type) in table.PartReferences)
            {
                checks.Add($"SELECT '{table.FhirType}', t.parent_id, '{type}', t.{column}, true FROM {table.Parts!.Qualified} t WHERE t.parent_id = ANY($1) AND t.{column} <> ALL($1)");
                checks.Add($"SELECT '{table.FhirType}', t.parent_id, '{type}', t.{column}, false FROM {table.Parts!.Qualified} t " +
                           $"WHERE t.{column} = ANY($1) AND t.parent_id <> ALL($1) AND {InForce.NotEnteredInError("t.parent_id")}");
            }
        }

        // The moved item's own references first: that is the message that tells the corrector what to add.
        return new StringBuilder("SELECT * FROM (\n").AppendJoin("\nUNION ALL\n", checks).Append("\n) c (referrer_type, referrer, referenced_type, referenced, moves)\nORDER BY moves DESC LIMIT 1").ToString();
    }
}
