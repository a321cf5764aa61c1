namespace HimPortal.Application.Compliance.Monitoring.Rules;

/// <summary>
/// A chart opened on a treatment relationship that a person made shortly before (issue 14: a clerk imported a bundle
/// with a new encounter naming a physician, who then opened the chart "on a treatment relationship" with nothing in any
/// queue). The chart gate names the encounter, care team or assignment in each view's audit row; the import records
/// where each relationship came from (access.relationship_sources: the bundle, the feed, who, when). A relationship from
/// a feed listed in Access:TrustedFeeds is a system's and is not watched.
/// </summary>
public sealed class SelfMadeRelationshipRule : MonitoringRule
{
    public const string RuleCode = "self-made-relationship";

    public override string Code => RuleCode;

    public override string Title => "Relationship made shortly before its use";

    public override string Description =>
        "A user opened a chart on a treatment relationship (an encounter or care team naming them) that was imported by a " +
        "person, through an upload, the console or a folder that is not a trusted feed, within the given hours before the " +
        "view. Making one's own relationship is how a user gets into a chart without breaking the glass. Optionally also " +
        "views on an HIM assignment made within the same hours.";

    public override IReadOnlyList<RuleParameter> Parameters { get; } =
    [
        new("hours", "Hours between the relationship's making and the view", RuleParameterKind.WholeNumber, "72", 1, 720),
        new("includeAssignments", "Also views on a new HIM assignment", RuleParameterKind.Boolean, "false",
            Help: "Assignments are HIM staff's recorded decisions (never one's own); on watches their first use too."),
    ];

    /// <remarks>
    /// The relationship of a view is the one the gate named (<c>encounter=</c>, <c>care-team=</c>, <c>assignment=</c>); the
    /// source row is the viewer's own (their account's NPI is the practitioner's), so another participant's source does
    /// not count. Views before the relationship was recorded cannot match.
    /// </remarks>
    /// <summary>A uuid's text, so that a details value of another shape never reaches the cast.</summary>
    private const string Uuid = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";

    public override string CandidatesSql => RuleSql.PerUserPatientDay(Code, $"""
        SELECT a.*, jsonb_build_object('relationship', r.kind, 'relationshipId', r.id, 'bundle', r.bundle, 'feed', r.feed,
                                       'madeBy', r.made_by, 'madeAt', r.made_at, 'patient', {RuleSql.PatientName}) AS facts,
               format('%s opened the chart of %s on %s made %s before (%s, by %s)', a.user_name, {RuleSql.PatientName},
                      CASE r.kind WHEN 'encounter' THEN 'an encounter' WHEN 'care-team' THEN 'a care team' ELSE 'an HIM assignment' END,
                      compliance.elapsed_words(r.made_at AT TIME ZONE @tz, a.occurred_at AT TIME ZONE @tz),
                      r.bundle, coalesce(r.made_by, 'the console')) AS summary
        FROM accesses a
        JOIN LATERAL (
            SELECT s.kind, s.parent_id AS id, s.bundle || ' via ' || s.feed AS bundle, s.feed, s.recorded_by AS made_by, s.recorded_at AS made_at
            FROM access.relationship_sources s
            JOIN clinical.practitioners pr ON pr.id = s.practitioner_id
            JOIN identity.users u ON u.id = a.user_id AND u.practitioner_npi = pr.npi
            WHERE NOT s.trusted
              AND s.parent_id = substring(a.details FROM '(?:encounter|care-team)=({Uuid})')::uuid
            UNION ALL
            SELECT 'assignment', t.id, 'HIM assignment', 'assignment', b.email, t.assigned_at
            FROM access.treatment_assignments t
            LEFT JOIN identity.users b ON b.id = t.assigned_by_user_id
            WHERE @p_includeAssignments AND t.id = substring(a.details FROM 'assignment=({Uuid})')::uuid
        ) r ON true
        JOIN clinical.patients p ON p.id = a.patient_id
        WHERE a.action = 'view' AND a.occurred_at >= r.made_at AND a.occurred_at < r.made_at + make_interval(hours => @p_hours)
        """);
}
