namespace HimPortal.Application.Compliance.Monitoring.Rules;

/// <summary>
/// A chart-reading role granted, then a chart opened by its new holder soon after (issue 14: an administrator gave
/// themselves Physician and read a chart). Nobody may change their own roles now, but two administrators, or an
/// administrator and a second account, still can; every grant of such a role is reviewed by its first use. The roles of
/// each moment come from access.user_role_history (ADR 0017).
/// </summary>
public sealed class RoleGrantedRule : MonitoringRule
{
    public const string RuleCode = "role-granted";

    public override string Code => RuleCode;

    public override string Title => "Role granted, then chart opened";

    public override string Description =>
        "A user opened a patient's record within the given hours after they were granted a role that reads records " +
        "(Physician, release of information), by a role change or a new account. A role granted for the purpose of " +
        "reading one chart is how access is made for oneself through a colleague or a second account.";

    public override IReadOnlyList<RuleParameter> Parameters { get; } =
    [
        new("hours", "Hours after the grant", RuleParameterKind.WholeNumber, "24", 1, 720),
        new("roles", "Roles watched", RuleParameterKind.List, "Physician, RoiSpecialist"),
        new("includeNewAccounts", "Also new accounts created with the role", RuleParameterKind.Boolean, "true"),
    ];

    public override string CandidatesSql => RuleSql.PerUserPatientDay(Code, $"""
        SELECT a.*, jsonb_build_object('granted', to_jsonb(g.granted), 'grantedAt', rh.valid_from, 'grantedBy', b.email,
                                       'rolesBefore', to_jsonb(prev.roles), 'patient', {RuleSql.PatientName}) AS facts,
               format('%s opened the record of %s %s after being granted %s%s', a.user_name, {RuleSql.PatientName},
                      compliance.elapsed_words(rh.valid_from AT TIME ZONE @tz, a.occurred_at AT TIME ZONE @tz),
                      array_to_string(g.granted, ', '), CASE WHEN prev.id IS NULL THEN ' (a new account)' ELSE ' by ' || coalesce(b.email, 'the console') END) AS summary
        FROM accesses a
        JOIN access.user_role_history rh ON rh.user_id = a.user_id AND {RuleSql.ValidAt("rh", "a.occurred_at")}
        LEFT JOIN LATERAL (
            SELECT h.id, h.roles FROM access.user_role_history h
            WHERE h.user_id = rh.user_id AND h.valid_from < rh.valid_from
            ORDER BY h.valid_from DESC LIMIT 1) prev ON true
        CROSS JOIN LATERAL (
            SELECT array_agg(r ORDER BY r) AS granted FROM unnest(rh.roles) r
            WHERE r = ANY(@p_roles) AND NOT (r = ANY(coalesce(prev.roles, ARRAY[]::text[])))) g
        LEFT JOIN identity.users b ON b.id = rh.changed_by_user_id
        JOIN clinical.patients p ON p.id = a.patient_id
        WHERE g.granted IS NOT NULL AND (prev.id IS NOT NULL OR @p_includeNewAccounts)
          AND a.occurred_at < rh.valid_from + make_interval(hours => @p_hours)
        """);
}
