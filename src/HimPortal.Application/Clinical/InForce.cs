using HimPortal.Data;
using HimPortal.Data.Clinical;

namespace HimPortal.Application.Clinical;

/// <summary>
/// The rows of the record in force: every reader of a patient's items leaves out those entered-in-error by a correction
/// (<c>clinical.entered_in_error</c>, ADR 0015), which stay in their tables as they were because the record is amended,
/// never deleted (ADR 0012). Few rows are ever marked, so the filter is an anti-join probing that small table's index.
/// </summary>
public static class InForce
{
    /// <summary>
    /// The condition for SQL readers: the row whose key is <paramref name="key"/> (an expression such as "o.id", or a part's
    /// "p.parent_id") has no mark in force.
    /// </summary>
    public static string NotEnteredInError(string key) =>
        $"NOT EXISTS (SELECT FROM clinical.entered_in_error x WHERE x.resource_id = {key} AND x.cleared_at IS NULL)";

    /// <summary>The resources of <paramref name="rows"/> that are not entered-in-error.</summary>
    public static IQueryable<T> WhereInForce<T>(this IQueryable<T> rows, HimDbContext db)
        where T : ClinicalResource
    {
        ArgumentNullException.ThrowIfNull(db);
        return rows.Where(r => !db.EnteredInError.Any(x => x.ResourceId == r.Id && x.ClearedAt == null));
    }
}
