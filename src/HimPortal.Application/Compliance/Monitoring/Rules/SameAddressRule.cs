namespace HimPortal.Application.Compliance.Monitoring.Rules;

/// <summary>
/// The patient lives at the user's home address: a household member or a neighbour in the same building. The user's
/// address is the one on their profile when the access happened (access.user_profile_history).
/// </summary>
public sealed class SameAddressRule : MonitoringRule
{
    public const string RuleCode = "same-address";

    public override string Code => RuleCode;

    public override string Title => "Same address";

    public override string Description =>
        "A user opened the record of a patient who lives at the user's home address (street line compared without case, " +
        "punctuation or street-type abbreviations; and the postal code, unless switched off). Household members' records " +
        "are a frequent target.";

    public override IReadOnlyList<RuleParameter> Parameters { get; } =
    [
        new("requirePostalCode", "Postal code must match too", RuleParameterKind.Boolean, "true",
            Help: "Off: the street line alone decides (more alerts where the same street exists in several towns)."),
    ];

    public override string CandidatesSql => RuleSql.PerUserPatientDay(Code, $"""
        SELECT a.*, jsonb_build_object('userAddress', concat_ws(', ', u.address_line, u.city, u.state, u.postal_code),
                                       'patientAddress', concat_ws(', ', p.address_line, p.city, p.state, p.postal_code),
                                       'patient', {RuleSql.PatientName}) AS facts,
               format('%s opened the record of %s, who lives at the user''s home address', a.user_name, {RuleSql.PatientName}) AS summary
        FROM accesses a
        JOIN access.user_profile_history u ON u.user_id = a.user_id AND {RuleSql.ValidAt("u", "a.occurred_at")}
        JOIN clinical.patients p ON p.id = a.patient_id
        WHERE u.address_line IS NOT NULL AND p.address_line IS NOT NULL
          AND compliance.address_key(u.address_line) <> ''
          AND compliance.address_key(u.address_line) = compliance.address_key(p.address_line)
          AND (NOT @p_requirePostalCode OR compliance.postal_key(u.postal_code) = compliance.postal_key(p.postal_code))
          AND (u.patient_mrn IS NULL OR p.mrn IS DISTINCT FROM u.patient_mrn)
        """);
}
