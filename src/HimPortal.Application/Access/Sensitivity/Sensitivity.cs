using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Access.Sensitivity;

/// <summary>One item of a patient's record, named the way labels name it: FHIR resource type and this database's key.</summary>
public sealed record ItemRef(string ResourceType, Guid ResourceId);

/// <summary>Where a label came from.</summary>
public static class LabelSources
{
    public const string Manual = "manual";
    public const string Rule = "rule";
}

/// <summary>
/// The kinds of item a label can be put on, and how to tell that an item of that kind belongs to the patient (so a label
/// can never be put on another patient's item by a crafted id). A scanned document joins this list when documents exist.
/// </summary>
public static class LabelledItems
{
    /// <summary>The whole record: every item of the patient's, present and future (a patient of a Part 2 program).</summary>
    public const string Patient = "Patient";
    public const string Encounter = "Encounter";
    public const string Condition = "Condition";
    public const string Observation = "Observation";
    public const string DiagnosticReport = "DiagnosticReport";
    public const string DocumentReference = "DocumentReference";
    public const string Procedure = "Procedure";
    public const string MedicationRequest = "MedicationRequest";

    public static readonly IReadOnlyList<string> Supported =
        [Patient, Encounter, Condition, Observation, DiagnosticReport, DocumentReference, Procedure, MedicationRequest];

    public static bool IsSupported(string? resourceType) => resourceType is not null && Supported.Contains(resourceType, StringComparer.Ordinal);

    public static Task<bool> BelongsToAsync(HimDbContext db, Guid patientId, ItemRef item, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(item);
        var id = item.ResourceId;
        return item.ResourceType switch
        {
            Patient => db.Set<Data.Clinical.Patient>().AnyAsync(p => p.Id == id && p.Id == patientId, ct),
            Encounter => db.Set<Data.Clinical.Encounter>().AnyAsync(e => e.Id == id && e.PatientId == patientId, ct),
            Condition => db.Set<Data.Clinical.Condition>().AnyAsync(e => e.Id == id && e.PatientId == patientId, ct),
            Observation => db.Set<Data.Clinical.Observation>().AnyAsync(e => e.Id == id && e.PatientId == patientId, ct),
            DiagnosticReport => db.Set<Data.Clinical.DiagnosticReport>().AnyAsync(e => e.Id == id && e.PatientId == patientId, ct),
            DocumentReference => db.Set<ClinicalNote>().AnyAsync(e => e.Id == id && e.PatientId == patientId, ct),
            Procedure => db.Set<Data.Clinical.Procedure>().AnyAsync(e => e.Id == id && e.PatientId == patientId, ct),
            MedicationRequest => db.Set<Data.Clinical.MedicationRequest>().AnyAsync(e => e.Id == id && e.PatientId == patientId, ct),
            _ => Task.FromResult(false),
        };
    }
}

public static class SensitivityErrors
{
    public static readonly Error NotFound = Error.NotFound("There is no such patient, item or label.");

    public static readonly Error UnknownLabel = new(ErrorKind.Invalid, "unknown-label", "Choose a sensitivity label in use.", "LabelCode");

    public static readonly Error AlreadyLabelled = new(ErrorKind.Conflict, "already-labelled", "This item already carries this label.");

    public static readonly Error AlreadyRemoved = new(ErrorKind.Conflict, "already-removed", "This label was removed already.");

    public static readonly Error Conflict = Error.Conflict(
        "Someone else changed this label since you opened the page. Review the current values and try again.");
}

/// <summary>A label on an item, in force or (with its removal) history.</summary>
public sealed record LabelView(
    Guid Id,
    string ResourceType,
    Guid ResourceId,
    string LabelCode,
    string Title,
    string Regulation,
    bool BlocksReleaseWithoutAuthorization,
    string Source,
    string? MatchedCode,
    string? Reason,
    DateTimeOffset LabelledAt,
    Guid? LabelledByUserId,
    DateTimeOffset? RemovedAt,
    Guid? RemovedByUserId,
    string? RemovalReason,
    uint Version)
{
    public bool InForce => RemovedAt is null;

    public ItemRef Item => new(ResourceType, ResourceId);
}

/// <summary>
/// A patient's sensitivity labels: what release of information, the portal and proxies read to decide what to withhold.
/// A label on the whole record (<see cref="LabelledItems.Patient"/>) applies to every item.
/// </summary>
public sealed record PatientSensitivity(Guid PatientId, IReadOnlyList<LabelView> Labels)
{
    public IEnumerable<LabelView> InForce => Labels.Where(l => l.InForce);

    /// <summary>The labels in force on <paramref name="item"/>: its own and the whole record's.</summary>
    public IReadOnlyList<LabelView> For(ItemRef item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return [.. InForce.Where(l => l.ResourceType == LabelledItems.Patient || l.Item == item)];
    }

    /// <summary>Whether <paramref name="item"/> may only be released with the patient's specific authorization.</summary>
    public bool NeedsSpecificAuthorization(ItemRef item) => For(item).Any(l => l.BlocksReleaseWithoutAuthorization);
}

/// <summary>
/// Reads a patient's labels. It writes no audit row: the handler that reads labels (the list here, a release, the portal)
/// records its own read in the same transaction, as every read of patient data is (conventions: audit is data).
/// </summary>
public sealed class SensitivityReader(HimDbContext db)
{
    /// <param name="items">Only these items (and the whole record's labels); null for all of the patient's.</param>
    /// <param name="includeRemoved">Removed labels too, as history.</param>
    public async Task<PatientSensitivity> ReadAsync(Guid patientId, IReadOnlyCollection<ItemRef>? items, bool includeRemoved, CancellationToken ct)
    {
        var query = db.ItemSensitivityLabels.AsNoTracking().Where(l => l.PatientId == patientId);
        if (!includeRemoved)
        {
            query = query.Where(l => l.RemovedAt == null);
        }

        if (items is not null)
        {
            var ids = items.Select(i => i.ResourceId).Distinct().ToArray();
            query = query.Where(l => l.ResourceType == LabelledItems.Patient || ids.Contains(l.ResourceId));
        }

        var rows = await (
                from l in query
                join k in db.SensitivityLabels on l.LabelCode equals k.Code
                orderby l.LabelledAt, l.Id
                select new LabelView(l.Id, l.ResourceType, l.ResourceId, l.LabelCode, k.Title, k.Regulation, k.BlocksReleaseWithoutAuthorization,
                    l.Source, l.MatchedCode, l.Reason, l.LabelledAt, l.LabelledByUserId, l.RemovedAt, l.RemovedByUserId, l.RemovalReason, l.Version))
            .ToListAsync(ct);

        if (items is not null)
        {
            var wanted = items.ToHashSet();
            rows = [.. rows.Where(l => l.ResourceType == LabelledItems.Patient || wanted.Contains(l.Item))];
        }

        return new PatientSensitivity(patientId, rows);
    }
}
