using System.Linq.Expressions;
using HimPortal.Application.Clinical;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Charts;

/// <summary>
/// One result as the chart shows it. <see cref="Flag"/> and the reference range come from the lab reference table at
/// import. <see cref="PanelText"/> is the value of a panel that carries its values in components (blood pressure).
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
    public string ValueText => PanelText ?? ClinicalValues.Format(Value, Unit, ValueDisplay, ValueString);

    public string? ReferenceRange => (ReferenceLow, ReferenceHigh) switch
    {
        ({ } low, { } high) => $"{ClinicalValues.Number(low)}–{ClinicalValues.Number(high)}",
        ({ } low, null) => "≥ " + ClinicalValues.Number(low),
        (null, { } high) => "≤ " + ClinicalValues.Number(high),
        _ => null,
    };
}

public sealed record TrendPoint(DateTimeOffset At, decimal Value, string? Flag);

/// <summary>The results of one test (or one vital sign, or one component of a panel such as systolic pressure).</summary>
public sealed record ObservationSeries(string Code, string Display, string? Unit, IReadOnlyList<ObservationItem> Results, IReadOnlyList<TrendPoint> Points)
{
    /// <summary>The newest result (<see cref="Results"/> is newest first).</summary>
    public ObservationItem Latest => Results[0];
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

/// <summary>Reads observations with their components in two queries, and groups them by test for trends.</summary>
public static class ObservationReader
{
    private const string Laboratory = "laboratory";
    private const string VitalSigns = "vital-signs";

    internal sealed record Row(Guid Id, Guid? EncounterId, string? Category, string Code, string? Display, DateTimeOffset? EffectiveAt,
        decimal? Value, string? Unit, string? ValueDisplay, string? ValueString, string? Flag, decimal? ReferenceLow, decimal? ReferenceHigh);

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

    public static async Task<ObservationGroups> ReadAsync(HimDbContext db, Expression<Func<Observation, bool>> which, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        // Results a correction entered-in-error are another patient's (ADR 0015); their components go with them.
        var observations = db.Set<Observation>().AsNoTracking().Where(which).WhereInForce(db);
        var rows = await observations
            .OrderByDescending(o => o.EffectiveAt).ThenBy(o => o.Id)
            .Select(o => new Row(o.Id, o.EncounterId, o.Category, o.Code, o.Display, o.EffectiveAt, o.ValueQuantity, o.ValueUnit,
                o.ValueDisplay, o.ValueString, o.Flag, o.ReferenceLow, o.ReferenceHigh))
            .ToListAsync(ct);
        var parents = observations.Select(o => o.Id);
        var components = await db.Set<ObservationComponent>().AsNoTracking()
            .Where(c => parents.Contains(c.ParentId))
            .Select(c => new ComponentRow(c.ParentId, c.Ordinal, c.Code, c.Display, c.ValueQuantity, c.ValueUnit, c.ValueDisplay, c.ValueString))
            .ToListAsync(ct);
        return Group(rows, components);
    }

    /// <summary>Groups results (newest first) and their components into the chart's lab, vital-sign and other lists.</summary>
    internal static ObservationGroups Group(IReadOnlyList<Row> rows, IEnumerable<ComponentRow> componentRows)
    {
        var components = componentRows.GroupBy(c => c.ParentId).ToDictionary(g => g.Key, g => g.OrderBy(c => c.Ordinal).ToList());
        var items = rows.Select(r => ToItem(r, components.GetValueOrDefault(r.Id))).ToList();
        var labs = items.Where(i => i.Category == Laboratory).ToList();
        var vitals = items.Where(i => i.Category == VitalSigns).ToList();

        // Panels such as blood pressure carry their values in components: each component gets a trend of its own.
        var vitalParts = rows.Where(r => r.Category == VitalSigns && components.ContainsKey(r.Id))
            .SelectMany(r => components[r.Id].Select(c => new ObservationItem(r.Id, r.EncounterId, r.Category, c.Code, c.Display ?? c.Code,
                r.EffectiveAt, c.Value, c.Unit, c.ValueDisplay, c.ValueString, null, null)));

        return new ObservationGroups(
            items,
            Series(labs),
            labs.Count,
            Series(vitals.Where(v => !components.ContainsKey(v.Id)).Concat(vitalParts)),
            vitals.Count,
            items.Where(i => i.Category is not Laboratory and not VitalSigns).ToList());
    }

    private static ObservationItem ToItem(Row r, List<ComponentRow>? parts)
    {
        var panel = r.Value is null && r.ValueDisplay is null && r.ValueString is null && parts is { Count: > 0 } ? PanelText(parts) : null;
        return new ObservationItem(r.Id, r.EncounterId, r.Category, r.Code, r.Display ?? r.Code, r.EffectiveAt, r.Value, r.Unit,
            r.ValueDisplay, r.ValueString, panel, r.Flag, r.ReferenceLow, r.ReferenceHigh);
    }

    /// <summary>"120/80 mm[Hg]" when every component is a quantity in one unit; otherwise "Name: value; …".</summary>
    private static string PanelText(List<ComponentRow> parts)
    {
        if (parts.All(p => p.Value is not null) && parts.Select(p => p.Unit).Distinct().Count() == 1)
        {
            var values = string.Join('/', parts.Select(p => ClinicalValues.Number(p.Value!.Value)));
            return parts[0].Unit is { Length: > 0 } unit ? values + " " + unit : values;
        }

        return string.Join("; ", parts.Select(p => $"{p.Display ?? p.Code}: {ClinicalValues.Format(p.Value, p.Unit, p.ValueDisplay, p.ValueString)}"));
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
