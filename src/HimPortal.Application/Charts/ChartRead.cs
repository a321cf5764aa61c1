using System.Globalization;

namespace HimPortal.Application.Charts;

public enum ChartReadStatus
{
    Shown,

    /// <summary>No such patient (or encounter, or note of this patient): the page answers 404.</summary>
    NotFound,

    /// <summary>The physician has no reason on record to see this chart; the page offers break-the-glass.</summary>
    BreakGlassRequired,

    Denied,
}

/// <summary>The outcome of reading part of a chart: the content when shown, and always who the patient is when they exist.</summary>
public sealed record ChartRead<T>(ChartReadStatus Status, ChartEntry? Entry, T? Content)
    where T : class
{
    public static ChartRead<T> NotFound(ChartEntry? entry = null) => new(ChartReadStatus.NotFound, entry, null);

    public static ChartRead<T> Refused(ChartEntry entry) =>
        new(entry.Access.Outcome == ChartAccessOutcome.BreakGlassRequired ? ChartReadStatus.BreakGlassRequired : ChartReadStatus.Denied,
            entry, null);

    public static ChartRead<T> Shown(ChartEntry entry, T content) => new(ChartReadStatus.Shown, entry, content);
}

/// <summary>How a result reads on screen: "5.4 mmol/L", "120/80 mm[Hg]", "Never smoker".</summary>
public static class ClinicalValues
{
    public static string Format(decimal? quantity, string? unit, string? codedDisplay, string? text)
    {
        if (quantity is { } value)
        {
            return unit is { Length: > 0 } ? $"{Number(value)} {unit}" : Number(value);
        }

        return codedDisplay ?? text ?? "";
    }

    /// <summary>A number without trailing zeros, in invariant culture (results are read the same on every workstation).</summary>
    public static string Number(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
