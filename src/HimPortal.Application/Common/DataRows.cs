using System.Data.Common;

namespace HimPortal.Application.Common;

/// <summary>Nullable columns of a hand-mapped batch reader (the chart's and the portal's record reads, ADR 0007).</summary>
internal static class DataRows
{
    public static string? NullableString(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static Guid? NullableGuid(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetGuid(i);

    public static decimal? NullableDecimal(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDecimal(i);

    public static DateTimeOffset? NullableTime(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
}
