namespace HimPortal.Application.Compliance.Monitoring.Rules;

/// <summary>
/// Activity by an account after it was locked, or with a role it had lost. Locking and role changes end sessions at once
/// (docs/adr/0005), so any such row means a way in that should not exist.
/// </summary>
public sealed class DisabledAccountRule : MonitoringRule
{
    public const string RuleCode = "disabled-account";

    public override string Code => RuleCode;

    public override string Title => "Disabled account or removed role";

    public override string Description =>
        "Activity by a user after their account was locked (and before it was unlocked), or while using a role that an " +
        "administrator had removed. Locks and role changes end every session at once, so such activity means a way in " +
        "that should not exist: a leaked session, a shared workstation, or a defect.";

    /// <remarks>
    /// Locks come from the audit (each lock and unlock is an admin row); the roles a user held at an instant come from
    /// their dated history (access.user_role_history), so an event is compared with the roles of its own time.
    /// </remarks>
    public override string CandidatesSql => $"""
        locks AS (
            SELECT h.resource_id::uuid AS user_id, h.occurred_at, h.details
            FROM audit.access_events h
            WHERE h.action = 'admin' AND h.occurred_at < @to AND h.resource_type = 'User'
              AND length(h.resource_id) = 36 AND h.resource_id ~ '^[0-9a-fA-F-]+$'
              AND (h.details LIKE 'account locked%' OR h.details LIKE 'account unlocked%')
        ),
        demoted AS (
            SELECT DISTINCT r.user_id FROM access.user_role_history r WHERE r.valid_to IS NOT NULL AND r.valid_to < @to
        ),
        acts AS (
            SELECT e.id, e.occurred_at, e.user_id, e.user_name, e.roles, e.action, e.outcome, e.patient_id, e.resource_type,
                   e.resource_id, e.purpose, e.details, (e.occurred_at AT TIME ZONE @tz)::date AS local_day
            FROM audit.access_events e
            WHERE e.occurred_at >= @from AND e.occurred_at < @to
              AND e.user_id IN (SELECT user_id FROM locks UNION SELECT user_id FROM demoted)
              AND e.outcome = 'success' AND e.action NOT IN ('logout', 'login-failed')
        ),
        matched AS (
            SELECT x.*, lk.details LIKE 'account locked%' AS while_locked, lk.occurred_at AS locked_at,
                   rh.valid_from AS roles_changed_at, rh.roles AS roles_after
            FROM acts x
            LEFT JOIN LATERAL (
                SELECT h.occurred_at, h.details FROM locks h
                WHERE h.user_id = x.user_id AND h.occurred_at < x.occurred_at
                ORDER BY h.occurred_at DESC LIMIT 1) lk ON true
            LEFT JOIN access.user_role_history rh ON rh.user_id = x.user_id AND {RuleSql.ValidAt("rh", "x.occurred_at")}
            WHERE lk.details LIKE 'account locked%'
               OR (rh.id IS NOT NULL AND NOT (x.roles <@ rh.roles))
        ),
        candidates AS (
            SELECT '{Code}:' || m.user_id || ':' || m.local_day AS dedupe_key, m.user_id, max(m.user_name) AS user_name,
                   CASE WHEN count(DISTINCT m.patient_id) = 1 THEN min(m.patient_id::text)::uuid END AS patient_id,
                   min(m.occurred_at) AS first_at, max(m.occurred_at) AS last_at, count(*)::int AS event_count,
                   format('%s was active after their account was %s', max(m.user_name),
                          CASE WHEN bool_or(m.while_locked) THEN 'locked' ELSE 'stripped of a role they were still using' END) AS summary,
                   jsonb_build_object('lockedAt', max(m.locked_at) FILTER (WHERE m.while_locked),
                                      'rolesChangedAt', max(m.roles_changed_at) FILTER (WHERE NOT (m.roles <@ m.roles_after)),
                                      'rolesAfterChange', to_jsonb(max(array_to_string(m.roles_after, ', ')) FILTER (WHERE NOT (m.roles <@ m.roles_after)))) AS facts,
                   {RuleSql.EventsJson} AS events
            FROM matched m
            GROUP BY m.user_id, m.local_day
        )
        """;
}
