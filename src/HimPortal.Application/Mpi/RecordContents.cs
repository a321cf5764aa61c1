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
        var rows = await db.Database.SqlQuery<SectionRow>($"""
            SELECT e.patient_id, 'encounters' AS section, count(*)::int AS count, min(e.period_start) AS "from", max(e.period_start) AS "to"
            FROM clinical.encounters e WHERE e.patient_id = ANY({ids}) AND NOT EXISTS (SELECT FROM clinical.entered_in_error x WHERE x.resource_id = e.id AND x.cleared_at IS NULL) GROUP BY e.patient_id
            UNION ALL
            SELECT e.patient_id, 'problems', count(*)::int, min(e.onset_at), max(e.onset_at)
            FROM clinical.conditions e WHERE e.patient_id = ANY({ids}) AND NOT EXISTS (SELECT FROM clinical.entered_in_error x WHERE x.resource_id = e.id AND x.cleared_at IS NULL) GROUP BY e.patient_id
            UNION ALL
            SELECT e.patient_id, 'medications', count(*)::int, min(e.authored_on), max(e.authored_on)
            FROM clinical.medication_requests e WHERE e.patient_id = ANY({ids}) AND NOT EXISTS (SELECT FROM clinical.entered_in_error x WHERE x.resource_id = e.id AND x.cleared_at IS NULL) GROUP BY e.patient_id
            UNION ALL
            SELECT e.patient_id, 'allergies', count(*)::int, min(e.recorded_at), max(e.recorded_at)
            FROM clinical.allergies e WHERE e.patient_id = ANY({ids}) AND NOT EXISTS (SELECT FROM clinical.entered_in_error x WHERE x.resource_id = e.id AND x.cleared_at IS NULL) GROUP BY e.patient_id
            UNION ALL
            SELECT e.patient_id, 'results', count(*)::int, min(e.effective_at), max(e.effective_at)
            FROM clinical.observations e WHERE e.patient_id = ANY({ids}) AND NOT EXISTS (SELECT FROM clinical.entered_in_error x WHERE x.resource_id = e.id AND x.cleared_at IS NULL) GROUP BY e.patient_id
            UNION ALL
            SELECT e.patient_id, CASE WHEN EXISTS (SELECT FROM documents.documents d WHERE d.clinical_note_id = e.id) THEN 'documents' ELSE 'notes' END,
                   count(*)::int, min(e.date), max(e.date)
            FROM clinical.clinical_notes e WHERE e.patient_id = ANY({ids}) AND NOT EXISTS (SELECT FROM clinical.entered_in_error x WHERE x.resource_id = e.id AND x.cleared_at IS NULL)
            GROUP BY e.patient_id, 2
            """).ToListAsync(ct);
        return ids.ToDictionary(id => id, id => new RecordContents(id, SectionNames
            .Select(section => rows.FirstOrDefault(r => r.PatientId == id && r.Section == section) is { } row
                ? new SectionCount(section, row.Count, row.From, row.To)
                : new SectionCount(section, 0, null, null))
            .ToList()));
    }

    private sealed record SectionRow(Guid PatientId, string Section, int Count, DateTimeOffset? From, DateTimeOffset? To);
}
