using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Charts.GetChart;

/// <summary>The encounter timeline's filter: a class (AMB, EMER, IMP, …) and a date range, both optional.</summary>
public sealed record EncounterFilter(string? Class = null, DateOnly? From = null, DateOnly? To = null)
{
    public bool IsEmpty => Class is null && From is null && To is null;

    public bool Matches(EncounterItem encounter)
    {
        ArgumentNullException.ThrowIfNull(encounter);
        var day = encounter.Start is { } start ? DateOnly.FromDateTime(start.UtcDateTime) : (DateOnly?)null;
        return (Class is null || string.Equals(encounter.Class, Class, StringComparison.OrdinalIgnoreCase))
               && (From is null || day >= From)
               && (To is null || day <= To);
    }
}

public sealed record GetChartQuery(Guid PatientId, EncounterFilter? Filter = null);

public sealed record AllergyItem(string Display, string? Category, string? Criticality, string? ClinicalStatus, DateTimeOffset? RecordedAt)
{
    public bool IsActive => ClinicalStatus is null or "active";
}

public sealed record ProblemItem(Guid Id, Guid? EncounterId, string Code, string? Display, string? ClinicalStatus, DateTimeOffset? OnsetAt, DateTimeOffset? AbatementAt)
{
    public bool IsActive => ClinicalStatus is "active" or "recurrence" or "relapse";
}

public sealed record MedicationItem(Guid Id, Guid? EncounterId, string? Display, string Status, DateTimeOffset? AuthoredOn, string? DosageText)
{
    public bool IsCurrent => Status is "active" or "on-hold";
}

public sealed record ImmunizationItem(string? Display, string Status, DateTimeOffset? OccurredAt);

public sealed record ProcedureItem(Guid Id, Guid? EncounterId, string Code, string? Display, string Status, DateTimeOffset? PerformedAt);

public sealed record ImagingItem(
    Guid Id,
    Guid? EncounterId,
    DateTimeOffset? StartedAt,
    string? Modality,
    string? BodySite,
    string? Procedure,
    int SeriesCount,
    int InstanceCount,
    string? StudyUid);

public sealed record DocumentItem(Guid Id, Guid? EncounterId, DateTimeOffset? Date, string? Type, string Status, string? Author);

/// <summary>One encounter on the timeline, with how much of the record hangs off it (for the roles that see that content).</summary>
public sealed record EncounterItem(
    Guid Id,
    DateTimeOffset? Start,
    DateTimeOffset? End,
    string Class,
    string? Type,
    string? Reason,
    string Status,
    string? Provider,
    string? Location)
{
    public int Diagnoses { get; init; }

    public int Procedures { get; init; }

    public int Notes { get; init; }

    public int Results { get; init; }

    public int Imaging { get; init; }
}

public sealed record ChartView(
    IReadOnlyList<AllergyItem> Allergies,
    IReadOnlyList<ProblemItem> Problems,
    IReadOnlyList<MedicationItem> Medications,
    IReadOnlyList<ImmunizationItem> Immunizations,
    IReadOnlyList<EncounterItem> Encounters,
    EncounterFilter Filter,
    IReadOnlyList<ProcedureItem> Procedures,
    ObservationGroups Observations,
    IReadOnlyList<ImagingItem> Imaging,
    IReadOnlyList<DocumentItem> Documents)
{
    public IReadOnlyList<EncounterItem> FilteredEncounters => Filter.IsEmpty ? Encounters : Encounters.Where(Filter.Matches).ToList();

    public IReadOnlyList<string> EncounterClasses => Encounters.Select(e => e.Class).Distinct().Order(StringComparer.Ordinal).ToList();
}

/// <summary>
/// The physician's chart: everything the bundle held, by section, for the sections the reader's role may see. A fixed
/// set of queries whatever the size of the record (no query per encounter or per result), read in one transaction
/// with the audit row that names the sections shown.
/// </summary>
public sealed class GetChartHandler(HimDbContext db, ChartGate gate)
{
    public Task<ChartRead<ChartView>> HandleAsync(GetChartQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return gate.ReadAsync<ChartView>(query.PatientId, "Chart", null, [], async (entry, token) =>
        {
            var view = await ReadAsync(query.PatientId, entry.Access, query.Filter ?? new EncounterFilter(), token);
            // The chart lists the notes; their text is read on the note's own page.
            return (view, entry.Access.Sections.Where(s => s != ChartSection.NoteText));
        }, ct);
    }

    private async Task<ChartView> ReadAsync(Guid patientId, ChartAccessDecision access, EncounterFilter filter, CancellationToken ct)
    {
        var id = patientId;
        var allergies = access.Shows(ChartSection.Allergies)
            ? await db.Set<AllergyIntolerance>().AsNoTracking().Where(a => a.PatientId == id)
                .OrderByDescending(a => a.RecordedAt)
                .Select(a => new AllergyItem(a.Display ?? a.Code, a.Category, a.Criticality, a.ClinicalStatus, a.RecordedAt))
                .ToListAsync(ct)
            : [];
        var problems = access.Shows(ChartSection.Problems)
            ? await db.Set<Condition>().AsNoTracking().Where(c => c.PatientId == id)
                .OrderByDescending(c => c.OnsetAt)
                .Select(c => new ProblemItem(c.Id, c.EncounterId, c.Code, c.Display, c.ClinicalStatus, c.OnsetAt, c.AbatementAt))
                .ToListAsync(ct)
            : [];
        var medications = access.Shows(ChartSection.Medications)
            ? await db.Set<MedicationRequest>().AsNoTracking().Where(m => m.PatientId == id)
                .OrderByDescending(m => m.AuthoredOn)
                .Select(m => new MedicationItem(m.Id, m.EncounterId, m.MedicationDisplay ?? m.MedicationCode, m.Status, m.AuthoredOn, m.DosageText))
                .ToListAsync(ct)
            : [];
        var immunizations = access.Shows(ChartSection.Immunizations)
            ? await db.Set<Immunization>().AsNoTracking().Where(i => i.PatientId == id)
                .OrderByDescending(i => i.OccurredAt)
                .Select(i => new ImmunizationItem(i.Display ?? i.VaccineCode, i.Status, i.OccurredAt))
                .ToListAsync(ct)
            : [];
        var procedures = access.Shows(ChartSection.Procedures)
            ? await db.Set<Procedure>().AsNoTracking().Where(p => p.PatientId == id)
                .OrderByDescending(p => p.PerformedStart)
                .Select(p => new ProcedureItem(p.Id, p.EncounterId, p.Code, p.Display, p.Status, p.PerformedStart))
                .ToListAsync(ct)
            : [];
        var observations = access.Shows(ChartSection.LabResults) || access.Shows(ChartSection.VitalSigns) || access.Shows(ChartSection.OtherObservations)
            ? await ObservationReader.ReadAsync(db, o => o.PatientId == id, ct)
            : ObservationGroups.Empty;
        var imaging = access.Shows(ChartSection.Imaging)
            ? await db.Set<ImagingStudy>().AsNoTracking().Where(i => i.PatientId == id)
                .OrderByDescending(i => i.StartedAt)
                .Select(i => new ImagingItem(i.Id, i.EncounterId, i.StartedAt, i.Modality, i.BodySiteDisplay, i.ProcedureDisplay,
                    i.SeriesCount, i.InstanceCount, i.StudyUid))
                .ToListAsync(ct)
            : [];
        var documents = access.Shows(ChartSection.Documents)
            ? await db.Set<ClinicalNote>().AsNoTracking().Where(n => n.PatientId == id)
                .OrderByDescending(n => n.Date)
                .Select(n => new DocumentItem(n.Id, n.EncounterId, n.Date, n.TypeDisplay, n.Status,
                    db.Set<Practitioner>().Where(p => p.Id == n.AuthorId).Select(p => p.GivenNames + " " + p.FamilyName).FirstOrDefault()))
                .ToListAsync(ct)
            : [];

        var encounters = new List<EncounterItem>();
        if (access.Shows(ChartSection.Encounters))
        {
            var clinical = access.Shows(ChartSection.Problems);
            var rows = await db.Set<Encounter>().AsNoTracking().Where(e => e.PatientId == id)
                .OrderByDescending(e => e.PeriodStart)
                .Select(e => new EncounterItem(e.Id, e.PeriodStart, e.PeriodEnd, e.Class, e.TypeDisplay, clinical ? e.ReasonDisplay : null, e.Status,
                    db.Set<Organization>().Where(o => o.Id == e.ServiceProviderId).Select(o => o.Name).FirstOrDefault(),
                    db.Set<Location>().Where(l => l.Id == e.LocationId).Select(l => l.Name).FirstOrDefault()))
                .ToListAsync(ct);
            // What hangs off each encounter comes from the lists already read: no query per encounter.
            var diagnoses = CountBy(problems.Select(p => p.EncounterId));
            var done = CountBy(procedures.Select(p => p.EncounterId));
            var notes = CountBy(documents.Select(d => d.EncounterId));
            var results = CountBy(observations.All.Select(o => o.EncounterId));
            var studies = CountBy(imaging.Select(i => i.EncounterId));
            encounters.AddRange(rows.Select(e => e with
            {
                Diagnoses = diagnoses.GetValueOrDefault(e.Id),
                Procedures = done.GetValueOrDefault(e.Id),
                Notes = notes.GetValueOrDefault(e.Id),
                Results = results.GetValueOrDefault(e.Id),
                Imaging = studies.GetValueOrDefault(e.Id),
            }));
        }

        return new ChartView(allergies, problems, medications, immunizations, encounters, filter, procedures, observations, imaging, documents);
    }

    private static Dictionary<Guid, int> CountBy(IEnumerable<Guid?> encounterIds) =>
        encounterIds.OfType<Guid>().CountBy(e => e).ToDictionary(p => p.Key, p => p.Value);
}
