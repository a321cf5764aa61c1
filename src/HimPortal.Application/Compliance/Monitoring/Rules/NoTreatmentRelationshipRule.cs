namespace HimPortal.Application.Compliance.Monitoring.Rules;

/// <summary>
/// Access without a treatment relationship, as the chart's access rules decided it at the time (ChartAccessRules, which
/// wrote the audit rows read here): every break-the-glass grant, and users refused charts for lack of one.
/// </summary>
public sealed class NoTreatmentRelationshipRule : MonitoringRule
{
    public const string RuleCode = "no-treatment-relationship";

    public override string Code => RuleCode;

    public override string Title => "No treatment relationship";

    public override string Description =>
        "Access without a treatment relationship: each break-the-glass access (with the chart views made under it), and " +
        "users refused charts for lack of a relationship or because the record is restricted, from the given number of " +
        "distinct patients in a day. A run of refusals is a user trying records they have no reason to see.";

    public override IReadOnlyList<RuleParameter> Parameters { get; } =
    [
        new("includeBreakGlass", "Alert on every break-the-glass access", RuleParameterKind.Boolean, "true",
            Help: "They are also in the break-the-glass review queue; off leaves them to that queue alone."),
        new("deniedPatientsPerDay", "Refused patients in a day before it alerts", RuleParameterKind.WholeNumber, "2", 1, 1000),
    ];

    public override string CandidatesSql => $"""
        glass AS (
            SELECT a.*
            FROM accesses a
            WHERE @p_includeBreakGlass AND (a.action = 'break-glass' OR a.purpose = 'ETREAT')
        ),
        grants AS (
            SELECT g.resource_id AS grant_id, g.user_id, g.patient_id, g.occurred_at, g.user_name, g.purpose AS reason, g.details
            FROM glass g WHERE g.action = 'break-glass'
        ),
        glass_candidates AS (
            SELECT '{Code}:break-glass:' || gr.grant_id AS dedupe_key, gr.user_id, gr.user_name, gr.patient_id,
                   min(m.occurred_at) AS first_at, max(m.occurred_at) AS last_at, count(*)::int AS event_count,
                   format('%s broke the glass to open the chart of %s: %s', gr.user_name, {RuleSql.PatientName}, gr.reason) AS summary,
                   jsonb_build_object('breakGlassId', gr.grant_id, 'reason', gr.reason, 'attestation', gr.details, 'patient', {RuleSql.PatientName}) AS facts,
                   {RuleSql.EventsJson} AS events
            FROM grants gr
            JOIN clinical.patients p ON p.id = gr.patient_id
            JOIN glass m ON m.user_id = gr.user_id AND m.patient_id = gr.patient_id
                        AND ((m.action = 'break-glass' AND m.resource_id = gr.grant_id) OR m.details LIKE '%break-glass=' || gr.grant_id || '%')
            GROUP BY gr.grant_id, gr.user_id, gr.user_name, gr.patient_id, gr.reason, gr.details, p.given_names, p.family_name
        ),
        refused AS (
            SELECT e.id, e.occurred_at, e.user_id, e.user_name, e.action, e.outcome, e.patient_id, e.resource_type, e.resource_id,
                   e.purpose, e.details, (e.occurred_at AT TIME ZONE @tz)::date AS local_day
            FROM audit.access_events e
            WHERE e.occurred_at >= @from AND e.occurred_at < @to
              AND e.outcome = 'denied' AND e.action = 'view' AND e.user_id IS NOT NULL AND e.patient_id IS NOT NULL
              AND e.resource_type IN ('Chart', 'Encounter', 'DocumentReference')
        ),
        refused_candidates AS (
            SELECT '{Code}:refused:' || m.user_id || ':' || m.local_day AS dedupe_key, m.user_id, max(m.user_name) AS user_name,
                   CASE WHEN count(DISTINCT m.patient_id) = 1 THEN min(m.patient_id::text)::uuid END AS patient_id,
                   min(m.occurred_at) AS first_at, max(m.occurred_at) AS last_at, count(*)::int AS event_count,
                   format('%s was refused the charts of %s patient(s) on %s (no treatment relationship, or a restricted record)',
                          max(m.user_name), count(DISTINCT m.patient_id), m.local_day) AS summary,
                   jsonb_build_object('day', m.local_day, 'refusedPatients', count(DISTINCT m.patient_id),
                                      'reasons', to_jsonb(array_agg(DISTINCT m.purpose))) AS facts,
                   {RuleSql.EventsJson} AS events
            FROM refused m
            GROUP BY m.user_id, m.local_day
            HAVING count(DISTINCT m.patient_id) >= @p_deniedPatientsPerDay
        ),
        candidates AS (
            SELECT * FROM glass_candidates
            UNION ALL
            SELECT * FROM refused_candidates
        )
        """;
}
