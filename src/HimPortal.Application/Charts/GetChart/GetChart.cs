using HimPortal.Application.Access;
using HimPortal.Application.Clinical.Results;
using HimPortal.Application.Common;
using HimPortal.Data;
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

public sealed record GetChartQuery(Guid PatientId, EncounterFilter? Filter = null) : IPatientRequest;

public sealed record AllergyItem(string Display, string? Category, string? Criticality, string? ClinicalStatus, DateTimeOffset? RecordedAt)
{
    /// <summary>The record the item is in: one of the person's when records are linked (ADR 0015).</summary>
    public Guid RecordId { get; init; }

    public bool IsActive => ClinicalStatus is null or "active";
}

public sealed record ProblemItem(Guid Id, Guid? EncounterId, string Code, string? Display, string? ClinicalStatus, DateTimeOffset? OnsetAt, DateTimeOffset? AbatementAt)
{
    /// <summary>The record the item is in: one of the person's when records are linked (ADR 0015).</summary>
    public Guid RecordId { get; init; }

    public bool IsActive => ClinicalStatus is "active" or "recurrence" or "relapse";
}

public sealed record MedicationItem(Guid Id, Guid? EncounterId, string? Display, string Status, DateTimeOffset? AuthoredOn, string? DosageText)
{
    /// <summary>The record the item is in: one of the person's when records are linked (ADR 0015).</summary>
    public Guid RecordId { get; init; }

    public bool IsCurrent => Status is "active" or "on-hold";
}

public sealed record ImmunizationItem(string? Display, string Status, DateTimeOffset? OccurredAt)
{
    /// <summary>The record the item is in: one of the person's when records are linked (ADR 0015).</summary>
    public Guid RecordId { get; init; }
}

public sealed record ProcedureItem(Guid Id, Guid? EncounterId, string Code, string? Display, string Status, DateTimeOffset? PerformedAt)
{
    /// <summary>The record the item is in: one of the person's when records are linked (ADR 0015).</summary>
    public Guid RecordId { get; init; }
}

public sealed record ImagingItem(
    Guid Id,
    Guid? EncounterId,
    DateTimeOffset? StartedAt,
    string? Modality,
    string? BodySite,
    string? Procedure,
    int SeriesCount,
    int InstanceCount,
    string? StudyUid)
{
    /// <summary>The record the item is in: one of the person's when records are linked (ADR 0015).</summary>
    public Guid RecordId { get; init; }
}

/// <param name="ScannedDocumentId">When the note is a filed scanned document: its pages open at /Charts/Document.</param>
public sealed record DocumentItem(Guid Id, Guid? EncounterId, DateTimeOffset? Date, string? Type, string Status, string? Author, Guid? ScannedDocumentId = null, int ScannedPages = 0)
{
    /// <summary>The record the item is in: one of the person's when records are linked (ADR 0015).</summary>
    public Guid RecordId { get; init; }

    /// <summary>An amendment the patient asked for was accepted and appended to it (45 CFR 164.526(c)(1)).</summary>
    public bool Amended { get; init; }

    /// <summary>The patient filed a statement of disagreement about it (45 CFR 164.526(d)(4)).</summary>
    public bool Disputed { get; init; }
}

/// <summary>
/// An item other than a note that the patient asked to amend (notes carry <see cref="DocumentItem.Amended"/>): accepted,
/// with the appended note, or denied and disputed (a statement of disagreement, or the patient's request that the request
/// and the denial go with disclosures). Shown beside the item wherever the chart lists it (45 CFR 164.526(c)(1), (d)(4)-(5)).
/// </summary>
public sealed record AmendmentMark(Guid ItemId, long Number, string Status, Guid? AmendmentDocumentId, DateTimeOffset? DecidedAt, bool Statement)
{
    public string Display => $"AMD-{Number:D6}";

    public bool Accepted => Status == Data.Portal.AmendmentStatuses.Accepted;
}

/// <summary>The chart's documents list filter: a type (part of its name, any case) and a date range, all optional.</summary>
public sealed record DocumentFilter(string? Type = null, DateOnly? From = null, DateOnly? To = null)
{
    public bool IsEmpty => string.IsNullOrWhiteSpace(Type) && From is null && To is null;

    public bool Matches(DocumentItem document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var day = document.Date is { } date ? DateOnly.FromDateTime(date.UtcDateTime) : (DateOnly?)null;
        return (string.IsNullOrWhiteSpace(Type) || (document.Type?.Contains(Type.Trim(), StringComparison.OrdinalIgnoreCase) ?? false))
               && (From is null || day >= From)
               && (To is null || day <= To);
    }
}

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
    /// <summary>The record the item is in: one of the person's when records are linked (ADR 0015).</summary>
    public Guid RecordId { get; init; }

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

    /// <summary>The amendment marks of items other than notes, by the item's id (<see cref="AmendmentMark"/>).</summary>
    public IReadOnlyDictionary<Guid, IReadOnlyList<AmendmentMark>> Amendments { get; init; } = new Dictionary<Guid, IReadOnlyList<AmendmentMark>>();

    /// <summary>The marks of an item (none for most).</summary>
    public IReadOnlyList<AmendmentMark> MarksOf(Guid itemId) => Amendments.TryGetValue(itemId, out var marks) ? marks : [];

    public IReadOnlyList<string> EncounterClasses => Encounters.Select(e => e.Class).Distinct().Order(StringComparer.Ordinal).ToList();
}

/// <summary>
/// The physician's chart: everything the bundle held, by section, for the sections the reader's role may see. The gate's
/// query, then one batch of a query per section (<see cref="ChartBatch"/>) whatever the size of the record, read in one
/// transaction with the audit row that names the sections shown. A chart read at the version the gate has just read
/// comes from <see cref="ChartContentCache"/> instead, and the batch is the audit row alone.
/// </summary>
[RequiresPermission(Permissions.ChartsDemographics)]
public sealed class GetChartHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate, ChartContentCache cache) : Handler<GetChartQuery, ChartRead<ChartView>>(permissions)
{
    protected override Task<ChartRead<ChartView>> ExecuteAsync(GetChartQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = query.Filter ?? new EncounterFilter();
        // The chart lists the notes; their text is read on the note's own page.
        return gate.ReadBatchedAsync(query.PatientId, "Chart", entry => entry.Access.Sections.Where(s => s != ChartSection.NoteText),
            async (entry, audit, token) => await ReadAsync(entry, audit, token) with { Filter = filter }, ct);
    }

    private async Task<ChartView> ReadAsync(ChartEntry entry, ViewAudit audit, CancellationToken ct)
    {
        var key = ChartContentCache.Key.For(entry);
        if (cache.TryGet(key, out var kept))
        {
            await audit.SendAloneAsync(db, ct);
            return kept!;
        }

        var read = await ChartBatch.ReadAsync(db, entry.Patient, entry.Access, audit, ct);
        // What hangs off each encounter comes from the lists already read: no query per encounter.
        var diagnoses = CountBy(read.Problems.Select(p => p.EncounterId));
        var done = CountBy(read.Procedures.Select(p => p.EncounterId));
        var notes = CountBy(read.Documents.Select(d => d.EncounterId));
        var results = CountBy(read.Observations.All.Select(o => o.EncounterId));
        var studies = CountBy(read.Imaging.Select(i => i.EncounterId));
        var encounters = read.Encounters.Select(e => e with
        {
            Diagnoses = diagnoses.GetValueOrDefault(e.Id),
            Procedures = done.GetValueOrDefault(e.Id),
            Notes = notes.GetValueOrDefault(e.Id),
            Results = results.GetValueOrDefault(e.Id),
            Imaging = studies.GetValueOrDefault(e.Id),
        }).ToList();
        var chart = new ChartView(read.Allergies, read.Problems, read.Medications, read.Immunizations, encounters, new EncounterFilter(),
            read.Procedures, read.Observations, read.Imaging, read.Documents)
        {
            Amendments = read.Amendments.GroupBy(a => a.ItemId).ToDictionary(g => g.Key, g => (IReadOnlyList<AmendmentMark>)[.. g]),
        };
        cache.Keep(key, chart);
        return chart;
    }

    private static Dictionary<Guid, int> CountBy(IEnumerable<Guid?> encounterIds) =>
        encounterIds.OfType<Guid>().CountBy(e => e).ToDictionary(p => p.Key, p => p.Value);
}
