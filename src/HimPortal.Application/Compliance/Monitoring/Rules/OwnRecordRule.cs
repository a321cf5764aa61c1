namespace HimPortal.Application.Compliance.Monitoring.Rules;

/// <summary>
/// A staff member opened their own medical record: employees request their records through HIM, like any patient. The
/// MRN is the one on the user's profile when the access happened (access.user_profile_history).
/// </summary>
public sealed class OwnRecordRule : MonitoringRule
{
    public const string RuleCode = "own-record";

    public override string Code => RuleCode;

    public override string Title => "Own record";

    public override string Description =>
        "A user opened their own medical record (the patient's MRN is the one on the user's account). Employees must request " +
        "their own records through HIM like any patient; browsing them directly bypasses that process.";

    public override string CandidatesSql => RuleSql.PerUserPatientDay(Code, $"""
        SELECT a.*, jsonb_build_object('accountPatientMrn', u.patient_mrn, 'patientMrn', p.mrn, 'patient', {RuleSql.PatientName}) AS facts,
               format('%s opened their own medical record (MRN %s)', a.user_name, p.mrn) AS summary
        FROM accesses a
        JOIN access.user_profile_history u ON u.user_id = a.user_id AND {RuleSql.ValidAt("u", "a.occurred_at")}
        JOIN clinical.patients p ON p.id = a.patient_id
        WHERE u.patient_mrn IS NOT NULL AND p.mrn = u.patient_mrn
        """);
}
