using Microsoft.Extensions.Options;

namespace HimPortal.Application.Common;

/// <summary>
/// The hospital's own clock face (Hospital:TimeZone, an IANA id; UTC when unset, <see cref="HospitalOptions"/>): reviewers enter and read dates in it,
/// and "after hours" and "a day" in the monitoring rules mean the hospital's hours and days, not the server's.
/// </summary>
public sealed class HospitalTime
{
    public HospitalTime(IOptions<HospitalOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var id = options.Value.TimeZone;
        Zone = string.IsNullOrWhiteSpace(id) || id.Trim() == "UTC" ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>The IANA name PostgreSQL understands in AT TIME ZONE.</summary>
    public string ZoneId => Zone == TimeZoneInfo.Utc ? "UTC" : Zone.Id;

    /// <summary>The instant a hospital day starts.</summary>
    public DateTimeOffset StartOf(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // Some zones change their clocks at midnight (America/Havana, America/Santiago): when the clocks skip midnight the
        // day starts at the end of the gap; when midnight happens twice, at the first one (the larger offset).
        while (Zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    public DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Zone).DateTime);

    public DateTimeOffset Local(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    /// <summary>"2026-12-01 14:05" in hospital time, for lists and exports read by people.</summary>
    public string Format(DateTimeOffset instant) =>
        Local(instant).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// "2026-12-01 14:05:09" in hospital time: for events of the access log, where a reviewer orders what happened within a
    /// minute (a view 13 seconds before a flag was set is not a view of a flagged record).
    /// </summary>
    public string FormatSeconds(DateTimeOffset instant) =>
        Local(instant).ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
