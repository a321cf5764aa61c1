using HimPortal.Application.Clinical;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Mpi;

/// <summary>How many items of one chart section a record holds in force, and the dates they span.</summary>
public sealed record SectionCount(string Section, int Count, DateTimeOffset? From, DateTimeOffset? To)
{
    public static SectionCount Together(string section, IEnumerable<SectionCount> parts)
    {
        var list = parts.ToList();
        return new SectionCount(section, list.Sum(p => p.Count), list.Min(p => p.From), list.Max(p => p.To));
    }
}

/// <summary>What one record holds, section by section (what a link would bring into the person's chart).</summary>
public sealed record RecordContents(Guid PatientId, IReadOnlyList<SectionCount> Sections)
{
    public const string Encounters = "encounters";
    public const string Problems = "problems";
    public const string Medications = "medications";
    public const string Allergies = "allergies";
    public const string Results = "results";
    public const string Notes = "notes";
    public const string Documents = "documents";

    public static readonly IReadOnlyList<string> SectionNames = [Encounters, Problems, Medications, Allergies, Results, Notes, Documents];

    /// <summary>Clinical data: anything at all in any section (issue 16: two records that both hold it need a second reviewer).</summary>
    public bool HoldsClinicalData => Sections.Any(s => s.Count > 0);

    public int Total => Sections.Sum(s => s.Count);

    public SectionCount this[string section] => Sections.Single(s => s.Section == section);

    /// <summary>
    /// The counts and date spans of <paramref name="patients"/>' records in one statement (a grouped count per section; columns snake_case as the context names them),
    /// leaving out rows a correction entered-in-error (they are another patient's, ADR 0015). Notes are the clinical notes
    /// that are not scanned documents; documents are the scanned documents filed to the record.
    /// </summary>
    public static async Task<IReadOnlyDictionary<Guid, RecordContents>> ReadAsync(HimDbContext db, IReadOnlyCollection<Guid> patients, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var ids = patients.Distinct().ToArray();
        var rows = await db.Database.SqlQueryRaw<SectionRow>(CountsSql, new Npgsql.NpgsqlParameter<Guid[]>("ids", ids)).ToListAsync(ct);
        return ids.ToDictionary(id => id, id => new RecordContents(id, SectionNames
            .Select(section => rows.FirstOrDefault(r => r.PatientId == id && r.Section == section) is { } row
                ? new SectionCount(section, row.Count, row.From, row.To)
                : new SectionCount(section, 0, null, null))
            .ToList()));
    }

    /// <summary>
    /// A grouped count and date span per section, each in force (<see cref="InForce"/>); a clinical note that a scanned
    /// document filed is counted under documents, the others under notes.
    /// </summary>
    private static readonly string CountsSql = string.Join("\nUNION ALL\n",
        new[]
        {
            (Encounters, "clinical.encounters", "period_start"), (Problems, "clinical.conditions", "onset_at"),
            (Medications, "clinical.medication_requests", "authored_on"), (Allergies, "clinical.allergies", "recorded_at"),
            (Results, "clinical.observations", "effective_at"),
            ($"CASE WHEN EXISTS (SELECT FROM documents.documents d WHERE d.clinical_note_id = e.id) THEN '{Documents}' ELSE '{Notes}' END", "clinical.clinical_notes", "date"),
        }.Select(s => $"""
            SELECT e.patient_id, {(s.Item1.StartsWith("CASE", StringComparison.Ordinal) ? s.Item1 : $"'{s.Item1}'")} AS section, count(*)::int AS count,
                   min(e.{s.Item3}) AS "from", max(e.{s.Item3}) AS "to"
            FROM {s.Item2} e WHERE e.patient_id = ANY(@ids) AND {InForce.NotEnteredInError("e.id")} GROUP BY e.patient_id, 2
            """));

    private sealed record SectionRow(Guid PatientId, string Section, int Count, DateTimeOffset? From, DateTimeOffset? To);
}
