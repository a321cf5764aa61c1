using HimPortal.Application.Common;

namespace HimPortal.Application.Access;

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
public sealed record ChartRead<T>(ChartReadStatus Status, ChartEntry? Entry, T? Content) : IFailable<ChartRead<T>>
    where T : class
{
    /// <summary>A refusal before the chart was opened (the reader's role may not use the page at all), or no such record.</summary>
    public static ChartRead<T> Fail(Error error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return new(error.Kind == ErrorKind.NotFound ? ChartReadStatus.NotFound : ChartReadStatus.Denied, null, null);
    }

    public static ChartRead<T> NotFound(ChartEntry? entry = null) => new(ChartReadStatus.NotFound, entry, null);

    public static ChartRead<T> Refused(ChartEntry entry) =>
        new(entry.Access.Outcome == ChartAccessOutcome.BreakGlassRequired ? ChartReadStatus.BreakGlassRequired : ChartReadStatus.Denied,
            entry, null);

    public static ChartRead<T> Shown(ChartEntry entry, T content) => new(ChartReadStatus.Shown, entry, content);
}
