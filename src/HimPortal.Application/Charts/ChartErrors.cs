using HimPortal.Application.Common;

namespace HimPortal.Application.Charts;

public static class ChartErrors
{
    public static readonly Error NotPermitted = new("not-permitted", "Your role may not do this.");

    /// <summary>No such patient, encounter or note, or one the user may not know exists: the page answers 404 either way.</summary>
    public static readonly Error BreakGlassNotNeeded = new("not-needed", "You may already open this chart: there is no glass to break.");

    public static readonly Error NotFound = new("not-found", "There is no such record.");
}
