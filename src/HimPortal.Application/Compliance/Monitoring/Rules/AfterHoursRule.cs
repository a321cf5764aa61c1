namespace HimPortal.Application.Compliance.Monitoring.Rules;

/// <summary>Patient records opened outside working hours or at weekends (the hospital's clock): one alert per user and day.</summary>
public sealed class AfterHoursRule : MonitoringRule
{
    public const string RuleCode = "after-hours";

    public override string Code => RuleCode;

    public override string Title => "After-hours access";

    public override string Description =>
        "A user opened patient records outside working hours, in the hospital's time zone (and at weekends, unless switched " +
        "off). Roles that work around the clock can be exempted. One alert per user and day, listing the accesses.";

    public override IReadOnlyList<RuleParameter> Parameters { get; } =
    [
        new("startHour", "Working day starts at (hour)", RuleParameterKind.WholeNumber, "7", 0, 23),
        new("endHour", "Working day ends at (hour)", RuleParameterKind.WholeNumber, "19", 1, 24),
        new("weekends", "Weekends count as after hours", RuleParameterKind.Boolean, "true"),
        new("minimumEvents", "Accesses in a day before it alerts", RuleParameterKind.WholeNumber, "1", 1, 10000),
        // Physicians treat patients around the clock; the rule is for the roles whose work is the office's hours. Other rules
        // (no treatment relationship, relatives, VIPs) still watch physicians at night.
        new("exemptRoles", "Exempt roles", RuleParameterKind.List, "Physician",
            Help: "Comma-separated role names whose staff work nights and weekends. Empty: everyone is watched."),
    ];

    /// <remarks>
    /// The summary says why, in the hospital's time: "on a Sunday (…), at 10:58" when the day is a weekend day, otherwise
    /// the local times of the accesses ("at 22:14 and 23:05"), so a reviewer never reads "outside working hours" for a
    /// morning access that fired because of the day.
    /// </remarks>
    public override string CandidatesSql => $"""
        matched AS (
            SELECT a.*, (a.occurred_at AT TIME ZONE @tz) AS local_at
            FROM accesses a
            WHERE (extract(hour FROM a.occurred_at AT TIME ZONE @tz) < @p_startHour
                   OR extract(hour FROM a.occurred_at AT TIME ZONE @tz) >= @p_endHour
                   OR (@p_weekends AND extract(isodow FROM a.occurred_at AT TIME ZONE @tz) IN (6, 7)))
              AND NOT (a.roles && @p_exemptRoles)
        ),
        days AS (
            SELECT m.user_id, m.local_day, max(m.user_name) AS user_name,
                   CASE WHEN count(DISTINCT m.patient_id) = 1 THEN min(m.patient_id::text)::uuid END AS patient_id,
                   count(DISTINCT m.patient_id) AS patients,
                   min(m.occurred_at) AS first_at, max(m.occurred_at) AS last_at, count(*)::int AS event_count,
                   @p_weekends AND extract(isodow FROM m.local_day) IN (6, 7) AS weekend,
                   array_agg(DISTINCT to_char(m.local_at, 'HH24:MI') ORDER BY to_char(m.local_at, 'HH24:MI')) AS times,
                   {RuleSql.EventsJson} AS events
            FROM matched m
            GROUP BY m.user_id, m.local_day
            HAVING count(*) >= @p_minimumEvents
        ),
        candidates AS (
            SELECT '{Code}:' || d.user_id || ':' || d.local_day AS dedupe_key, d.user_id, d.user_name, d.patient_id,
                   d.first_at, d.last_at, d.event_count,
                   format('%s opened %s patient record(s) %s', d.user_name, d.patients,
                          CASE WHEN d.weekend
                               THEN format('on a %s (%s), at %s: weekends count as after hours', to_char(d.local_day, 'FMDay'), d.local_day, w.times)
                               ELSE format('at %s on %s %s, outside working hours (%s:00 to %s:00)', w.times, to_char(d.local_day, 'FMDay'),
                                           d.local_day, @p_startHour, @p_endHour)
                          END) AS summary,
                   jsonb_build_object('day', d.local_day, 'dayOfWeek', to_char(d.local_day, 'FMDay'),
                                      'reason', CASE WHEN d.weekend THEN 'a weekend day' ELSE 'outside working hours' END,
                                      'localTimes', w.times, 'patients', d.patients,
                                      'workingHours', format('%s:00-%s:00', @p_startHour, @p_endHour), 'timeZone', @tz) AS facts,
                   d.events
            FROM days d
            CROSS JOIN LATERAL (
                SELECT CASE cardinality(d.times)
                           WHEN 1 THEN d.times[1]
                           WHEN 2 THEN d.times[1] || ' and ' || d.times[2]
                           WHEN 3 THEN d.times[1] || ', ' || d.times[2] || ' and ' || d.times[3]
                           ELSE d.times[1] || ', ' || d.times[2] || ', ' || d.times[3] || ' and ' || (cardinality(d.times) - 3) || ' other times'
                       END AS times) w
        )
        """;
}
