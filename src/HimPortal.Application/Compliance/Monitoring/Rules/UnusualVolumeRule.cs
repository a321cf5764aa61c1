namespace HimPortal.Application.Compliance.Monitoring.Rules;

/// <summary>A user's distinct patients in a day far above their own usual day: browsing, or a compromised account.</summary>
public sealed class UnusualVolumeRule : MonitoringRule
{
    public const string RuleCode = "unusual-volume";

    public override string Code => RuleCode;

    public override string Title => "Unusual volume";

    public override string Description =>
        "A user opened far more distinct patients' records in a day than usual for them: more than the factor times their " +
        "average over their active days in the baseline period before, and at least the minimum. A new user is compared " +
        "with the minimum alone.";

    public override IReadOnlyList<RuleParameter> Parameters { get; } =
    [
        new("factor", "Times the user's usual day", RuleParameterKind.Number, "3", 1.1, 100),
        new("minimumPatients", "Distinct patients in a day, at least", RuleParameterKind.WholeNumber, "20", 1, 100000),
        new("baselineDays", "Baseline period (days)", RuleParameterKind.WholeNumber, "30", 7, 365),
    ];

    public override string CandidatesSql => $"""
        daily AS (
            SELECT e.user_id, (e.occurred_at AT TIME ZONE @tz)::date AS local_day, count(DISTINCT e.patient_id) AS patients,
                   max(e.user_name) AS user_name
            FROM audit.access_events e
            WHERE e.occurred_at >= @from - make_interval(days => @p_baselineDays + 1) AND e.occurred_at < @to
              AND {RuleSql.Watched("e")}
            GROUP BY 1, 2
        ),
        scored AS (
            SELECT d.*,
                   avg(d.patients) OVER w AS baseline,
                   count(*) OVER w AS baseline_days
            FROM daily d
            WINDOW w AS (PARTITION BY d.user_id ORDER BY d.local_day
                         RANGE BETWEEN make_interval(days => @p_baselineDays) PRECEDING AND '1 day'::interval PRECEDING)
        ),
        flagged AS (
            SELECT s.* FROM scored s
            WHERE s.local_day >= (@from AT TIME ZONE @tz)::date
              AND s.patients >= @p_minimumPatients
              AND s.patients > @p_factor * coalesce(s.baseline, 0)
        ),
        candidates AS (
            SELECT '{Code}:' || f.user_id || ':' || f.local_day AS dedupe_key, f.user_id, f.user_name, NULL::uuid AS patient_id,
                   min(m.occurred_at) AS first_at, max(m.occurred_at) AS last_at, count(m.id)::int AS event_count,
                   format('%s opened %s patients'' records on %s; their usual day is %s', f.user_name, f.patients, f.local_day,
                          coalesce(round(f.baseline, 1)::text, 'not known yet (new user)')) AS summary,
                   jsonb_build_object('day', f.local_day, 'distinctPatients', f.patients, 'baselineAverage', round(f.baseline, 1),
                                      'baselineActiveDays', f.baseline_days, 'factor', @p_factor, 'minimum', @p_minimumPatients) AS facts,
                   {RuleSql.EventsJson} AS events
            FROM flagged f
            JOIN accesses m ON m.user_id = f.user_id AND m.local_day = f.local_day
            GROUP BY f.user_id, f.user_name, f.local_day, f.patients, f.baseline, f.baseline_days
        )
        """;
}
