namespace HimPortal.Application.Compliance.Monitoring.Rules;

/// <summary>
/// The patient is an employee of the user's own department: a co-worker's record. Both departments are those of the
/// access's time (the user's profile and the patient's restriction, from their histories).
/// </summary>
public sealed class CoworkerRule : MonitoringRule
{
    public const string RuleCode = "coworker";

    public override string Code => RuleCode;

    public override string Title => "Co-worker's record";

    public override string Description =>
        "A user opened the record of a patient flagged as an employee of the user's own department (departments compared " +
        "without case or surrounding spaces). Colleagues' records are a classic target of curiosity.";

    public override string CandidatesSql => RuleSql.PerUserPatientDay(Code, $"""
        SELECT a.*, jsonb_build_object('userDepartment', u.department, 'patientDepartment', r.employee_department, 'patient', {RuleSql.PatientName}) AS facts,
               format('%s (%s) opened the record of co-worker %s', a.user_name, u.department, {RuleSql.PatientName}) AS summary
        FROM accesses a
        JOIN access.user_profile_history u ON u.user_id = a.user_id AND {RuleSql.ValidAt("u", "a.occurred_at")}
        JOIN access.restriction_history r ON r.patient_id = a.patient_id AND {RuleSql.ValidAt("r", "a.occurred_at")}
        JOIN clinical.patients p ON p.id = a.patient_id
        WHERE r.employee AND u.department IS NOT NULL AND r.employee_department IS NOT NULL
          AND lower(btrim(u.department)) = lower(btrim(r.employee_department))
          AND (u.patient_mrn IS NULL OR p.mrn IS DISTINCT FROM u.patient_mrn)
        """);
}
