using System.Data.Common;
using System.Linq.Expressions;
using HimPortal.Application.Clinical.Values;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Clinical.Results;

/// <summary>
/// One result as the chart shows it. <see cref="Flag"/> and the reference range are the reference tables' (labs and
/// vital signs, <see cref="ResultFlags"/>) for the patient when the record is read. <see cref="PanelText"/> is the value
/// of a panel that carries its values in components (a blood pressure: systolic/diastolic by code).
/// </summary>
public sealed record ObservationItem(
    Guid Id,
    Guid? EncounterId,
    string? Category,
    string Code,
    string Display,
    DateTimeOffset? EffectiveAt,
    decimal? Value,
    string? Unit,
    string? ValueDisplay,
    string? ValueString,
    string? PanelText,
    string? Flag,
    decimal? ReferenceLow = null,
    decimal? ReferenceHigh = null)
{
    /// <summary>Formatted when shown, not when read: most results of a large chart are drawn as points, never as text.</summary>
    public string ValueText => PanelText ?? ClinicalValues.Format(Code, Value, Unit, ValueDisplay, ValueString);

    /// <summary>The record the result is in: one of the person's when records are linked (ADR 0015).</summary>
    public Guid RecordId { get; init; }

    public string? ReferenceRange => (ReferenceLow, ReferenceHigh) switch
    {
        ({ } low, { } high) => $"{ClinicalValues.Number(Code, low)}–{ClinicalValues.Number(Code, high)}",
        ({ } low, null) => "≥ " + ClinicalValues.Number(Code, low),
        (null, { } high) => "≤ " + ClinicalValues.Number(Code, high),
        _ => null,
    };
}

public sealed record TrendPoint(DateTimeOffset At, decimal Value, string? Flag);

/// <summary>The results of one test (or one vital sign, or one component of a panel such as systolic pressure).</summary>
public sealed record ObservationSeries(string Code, string Display, string? Unit, IReadOnlyList<ObservationItem> Results, IReadOnlyList<TrendPoint> Points)
{
    /// <summary>The newest result (<see cref="Results"/> is newest first).</summary>
    public ObservationItem Latest => Results[0];

    /// <summary>The series' unit as people write it ("°C", "beats/min").</summary>
    public string UnitText => ClinicalValues.Unit(Code, Unit);
}

public sealed record ObservationGroups(
    IReadOnlyList<ObservationItem> All,
    IReadOnlyList<ObservationSeries> LabResults,
    int LabResultCount,
    IReadOnlyList<ObservationSeries> VitalSigns,
    int VitalSignCount,
    IReadOnlyList<ObservationItem> Other)
{
    public static readonly ObservationGroups Empty = new([], [], 0, [], 0, []);
}

/// <summary>
/// Reads observations with their components in two queries, flags them for the patient (<see cref="ResultFlags"/>), and
/// groups them by test for trends.
/// </summary>
public static class ObservationReader
{
    private const string Laboratory = "laboratory";
    private const string VitalSigns = "vital-signs";

    internal sealed record Row(Guid Id, Guid? EncounterId, string? Category, string Code, string? Display, DateTimeOffset? EffectiveAt,
        decimal? Value, string? Unit, string? ValueDisplay, string? ValueString, string? Flag, decimal? ReferenceLow, decimal? ReferenceHigh,
        Guid RecordId);

    /// <summary>Newest first; results without a time last (as PostgreSQL's DESC NULLS LAST).</summary>
    internal static readonly Comparison<Row> NewestFirst = (a, b) =>
        (a.EffectiveAt, b.EffectiveAt) switch
        {
            (null, null) => a.Id.CompareTo(b.Id),
            (null, _) => 1,
            (_, null) => -1,
            ({ } x, { } y) => y.CompareTo(x) is var order and not 0 ? order : a.Id.CompareTo(b.Id),
        };

    internal sealed record ComponentRow(Guid ParentId, short Ordinal, string Code, string? Display, decimal? Value, string? Unit,
        string? ValueDisplay, string? ValueString);

    /// <summary>
    /// The batch form of the read, for readers that send one batch of queries (the staff chart, the portal's record):
    /// each result of the records in $1 with its components, if any (a panel's row repeats once per component), those a
    /// correction entered-in-error left out (ADR 0015). Unordered: <see cref="ReadBatchAsync"/>'s caller sorts.
    /// </summary>
    public static readonly string BatchSql = $$"""
        SELECT o.id, o.encounter_id, o.category, o.code, o.display, o.effective_at, o.value_quantity, o.value_unit, o.value_display,
               o.value_string, o.flag, o.reference_low, o.reference_high,
               c.ordinal, c.code, c.display, c.value_quantity, c.value_unit, c.value_display, c.value_string, o.patient_id
        FROM clinical.observations o LEFT JOIN clinical.observation_components c ON c.parent_id = o.id
        WHERE o.patient_id = ANY($1) AND {{InForce.NotEnteredInError("o.id")}}
        """;

    /// <summary>Reads <see cref="BatchSql"/>'s rows into results (once each) and their components.</summary>
    internal static async Task ReadBatchAsync(DbDataReader r, List<Row> rows, List<ComponentRow> components, CancellationToken ct)
    {
        var seen = new HashSet<Guid>();
        while (await r.ReadAsync(ct))
        {
            var id = r.GetGuid(0);
            if (seen.Add(id))
            {
                rows.Add(new Row(id, r.NullableGuid(1), r.NullableString(2), r.GetString(3), r.NullableString(4), r.NullableTime(5), r.NullableDecimal(6),
                    r.NullableString(7), r.NullableString(8), r.NullableString(9), r.NullableString(10), r.NullableDecimal(11), r.NullableDecimal(12), r.GetGuid(20)));
            }

            if (!r.IsDBNull(13))
            {
                components.Add(new ComponentRow(id, r.GetInt16(13), r.GetString(14), r.NullableString(15), r.NullableDecimal(16),
                    r.NullableString(17), r.NullableString(18), r.NullableString(19)));
            }
        }
    }

    public static async Task<ObservationGroups> ReadAsync(HimDbContext db, Expression<Func<Observation, bool>> which, ResultSubject patient, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        // Results a correction entered-in-error are another patient's (ADR 0015); their components go with them.
        var observations = db.Set<Observation>().AsNoTracking().Where(which).WhereInForce(db);
        var rows = await observations
            .OrderByDescending(o => o.EffectiveAt).ThenBy(o => o.Id)
            .Select(o => new Row(o.Id, o.EncounterId, o.Category, o.Code, o.Display, o.EffectiveAt, o.ValueQuantity, o.ValueUnit,
                o.ValueDisplay, o.ValueString, o.Flag, o.ReferenceLow, o.ReferenceHigh, o.PatientId))
            .ToListAsync(ct);
        var parents = observations.Select(o => o.Id);
        var components = await db.Set<ObservationComponent>().AsNoTracking()
            .Where(c => parents.Contains(c.ParentId))
            .Select(c => new ComponentRow(c.ParentId, c.Ordinal, c.Code, c.Display, c.ValueQuantity, c.ValueUnit, c.ValueDisplay, c.ValueString))
            .ToListAsync(ct);
        return Group(rows, components, patient);
    }

    /// <summary>Groups results (newest first) and their components into the chart's lab, vital-sign and other lists.</summary>
    internal static ObservationGroups Group(IReadOnlyList<Row> rows, IEnumerable<ComponentRow> componentRows, ResultSubject patient)
    {
        var taken = rows.ToDictionary(r => r.Id, r => r.EffectiveAt);
        var components = componentRows.GroupBy(c => c.ParentId)
            .ToDictionary(g => g.Key, g => g.OrderBy(c => c.Ordinal).Select(c => Part(c, patient, taken.GetValueOrDefault(c.ParentId))).ToList());
        var items = rows.Select(r => ToItem(r, components.GetValueOrDefault(r.Id), patient)).ToList();
        var labs = items.Where(i => i.Category == Laboratory).ToList();
        var vitals = items.Where(i => i.Category == VitalSigns).ToList();

        // Panels such as blood pressure carry their values in components: each component gets a trend of its own.
        var vitalParts = rows.Where(r => r.Category == VitalSigns && components.ContainsKey(r.Id))
            .SelectMany(r => components[r.Id].Select(c => new ObservationItem(r.Id, r.EncounterId, r.Category, c.Value.Code, c.Value.Display ?? c.Value.Code,
                r.EffectiveAt, c.Value.Value, c.Value.Unit, c.Value.ValueDisplay, c.Value.ValueString, null, c.Flag?.Flag, c.Flag?.Range.Low, c.Flag?.Range.High)
            {
                RecordId = r.RecordId,
            }));

        return new ObservationGroups(
            items,
            Series(labs),
            labs.Count,
            Series(vitals.Where(v => !components.ContainsKey(v.Id)).Concat(vitalParts)),
            vitals.Count,
            items.Where(i => i.Category is not Laboratory and not VitalSigns).ToList());
    }

    /// <summary>A component with its own flag (a systolic pressure against the systolic row).</summary>
    private sealed record FlaggedPart(ComponentValue Value, ResultInterpretation? Flag);

    private static FlaggedPart Part(ComponentRow c, ResultSubject patient, DateTimeOffset? effective) =>
        new(new ComponentValue(c.Code, c.Display, c.Value, c.Unit, c.ValueDisplay, c.ValueString),
            ResultFlags.Interpret(c.Code, c.Unit, c.Value, patient, effective));

    private static ObservationItem ToItem(Row r, List<FlaggedPart>? parts, ResultSubject patient)
    {
        var panel = r.Value is null && r.ValueDisplay is null && r.ValueString is null && parts is { Count: > 0 }
            ? ClinicalValues.Panel(parts.ConvertAll(p => p.Value))
            : null;

        // The tables' flag for this patient now; what the import stored stays only where no row applies (a flag an
        // interface sent, one day). A panel shows the worst of its components' flags.
        var own = ResultFlags.Interpret(r.Code, r.Unit, r.Value, patient, r.EffectiveAt);
        var flag = own?.Flag ?? (panel is null ? null : ResultFlags.Worst(parts!.Select(p => p.Flag?.Flag))) ?? r.Flag;
        return new ObservationItem(r.Id, r.EncounterId, r.Category, r.Code, r.Display ?? r.Code, r.EffectiveAt, r.Value, r.Unit,
            r.ValueDisplay, r.ValueString, panel, flag, own is null ? r.ReferenceLow : own.Range.Low, own is null ? r.ReferenceHigh : own.Range.High)
        {
            RecordId = r.RecordId,
        };
    }

    /// <summary>One series per code, in the order of their names; results newest first, trend points oldest first.</summary>
    private static List<ObservationSeries> Series(IEnumerable<ObservationItem> items) =>
        items.GroupBy(i => i.Code, StringComparer.Ordinal)
            .Select(g =>
            {
                var results = g.ToList();
                var unit = results.Where(r => r.Unit is not null).GroupBy(r => r.Unit).MaxBy(u => u.Count())?.Key;
                var points = results.Where(r => r.Value is not null && r.EffectiveAt is not null && r.Unit == unit)
                    .Select(r => new TrendPoint(r.EffectiveAt!.Value, r.Value!.Value, r.Flag))
                    .Reverse()
                    .ToList();
                return new ObservationSeries(g.Key, results[0].Display, unit, results, points);
            })
            .OrderBy(s => s.Display, StringComparer.OrdinalIgnoreCase)
            .ToList();
}
