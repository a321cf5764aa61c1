namespace HimPortal.Application.Compliance.Monitoring.Rules;

/// <summary>
/// The user and the patient share a family name: a relative's record, the commonest kind of snooping. The user's family
/// name is the one on their profile when the access happened (access.user_profile_history).
/// </summary>
public sealed class SameFamilyNameRule : MonitoringRule
{
    public const string RuleCode = "same-family-name";

    public override string Code => RuleCode;

    public override string Title => "Same family name";

    public override string Description =>
        "A user opened the record of a patient with the same family name (compared without case, accents or spacing). " +
        "Looking up relatives is the most common privacy breach; very common names can be ignored below.";

    public override IReadOnlyList<RuleParameter> Parameters { get; } =
    [
        new("ignoredNames", "Family names to ignore", RuleParameterKind.List, "",
            Help: "Comma-separated, e.g. Smith, Garcia: names so common here that a match means little."),
    ];

    public override string CandidatesSql => RuleSql.PerUserPatientDay(Code, $"""
        SELECT a.*, jsonb_build_object('userFamilyName', u.family_name, 'patientFamilyName', p.family_name, 'patient', {RuleSql.PatientName}) AS facts,
               format('%s (family name %s) opened the record of %s, who has the same family name', a.user_name, u.family_name, {RuleSql.PatientName}) AS summary
        FROM accesses a
        JOIN access.user_profile_history u ON u.user_id = a.user_id AND {RuleSql.ValidAt("u", "a.occurred_at")}
        JOIN clinical.patients p ON p.id = a.patient_id
        WHERE u.family_name IS NOT NULL AND p.family_name IS NOT NULL
          AND compliance.fold(p.family_name) = compliance.fold(u.family_name)
          AND (u.patient_mrn IS NULL OR p.mrn IS DISTINCT FROM u.patient_mrn)
          AND NOT compliance.fold(u.family_name) = ANY (SELECT compliance.fold(n) FROM unnest(@p_ignoredNames) AS n)
        """);
}
