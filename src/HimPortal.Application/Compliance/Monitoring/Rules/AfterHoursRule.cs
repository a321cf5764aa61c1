namespace HimPortal.Application.Compliance.Monitoring.Rules;

/// <summary>Patient records opened outside working hours (the hospital's clock): one alert per user and night.</summary>
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

    public override string CandidatesSql => $"""
        matched AS (
            SELECT a.*
            FROM accesses a
            WHERE (extract(hour FROM a.occurred_at AT TIME ZONE @tz) < @p_startHour
                   OR extract(hour FROM a.occurred_at AT TIME ZONE @tz) >= @p_endHour
                   OR (@p_weekends AND extract(isodow FROM a.occurred_at AT TIME ZONE @tz) IN (6, 7)))
              AND NOT (a.roles && @p_exemptRoles)
        ),
        candidates AS (
            SELECT '{Code}:' || m.user_id || ':' || m.local_day AS dedupe_key, m.user_id, max(m.user_name) AS user_name,
                   CASE WHEN count(DISTINCT m.patient_id) = 1 THEN min(m.patient_id::text)::uuid END AS patient_id,
                   min(m.occurred_at) AS first_at, max(m.occurred_at) AS last_at, count(*)::int AS event_count,
                   format('%s opened %s patient record(s) outside working hours (%s:00 to %s:00) on %s',
                          max(m.user_name), count(DISTINCT m.patient_id), @p_startHour, @p_endHour, m.local_day) AS summary,
                   jsonb_build_object('day', m.local_day, 'patients', count(DISTINCT m.patient_id), 'workingHours',
                                      format('%s:00-%s:00', @p_startHour, @p_endHour), 'timeZone', @tz) AS facts,
                   {RuleSql.EventsJson} AS events
            FROM matched m
            GROUP BY m.user_id, m.local_day
            HAVING count(*) >= @p_minimumEvents
        )
        """;
}
