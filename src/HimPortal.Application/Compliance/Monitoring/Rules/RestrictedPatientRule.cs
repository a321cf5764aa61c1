namespace HimPortal.Application.Compliance.Monitoring.Rules;

/// <summary>
/// Any access to a VIP or employee record: such records draw curiosity, so every access is reviewed. The restriction is
/// the one in force when the access happened (access.restriction_history): a view made before HIM set the flag is not a
/// view of a restricted record.
/// </summary>
public sealed class RestrictedPatientRule : MonitoringRule
{
    public const string RuleCode = "restricted-patient";

    public override string Code => RuleCode;

    public override string Title => "VIP or employee patient";

    public override string Description =>
        "A user opened the record of a patient flagged as a VIP (a public figure) or as an employee of the hospital. " +
        "These records attract curiosity; every access is reviewed, even with a treatment relationship or break-the-glass. " +
        "Only accesses made while the flag was set count; the HIM staff member's own setting of the flag does not.";

    public override IReadOnlyList<RuleParameter> Parameters { get; } =
    [
        new("includeVip", "VIP patients", RuleParameterKind.Boolean, "true"),
        new("includeEmployees", "Employee patients", RuleParameterKind.Boolean, "true"),
    ];

    public override string CandidatesSql => RuleSql.PerUserPatientDay(Code, $"""
        SELECT a.*, jsonb_build_object('vip', r.vip, 'employee', r.employee, 'employeeDepartment', r.employee_department,
                                       'restrictionNote', r.note, 'restrictedSince', r.valid_from,
                                       'patient', {RuleSql.PatientName}) AS facts,
               format('%s opened the restricted record of %s (%s)', a.user_name, {RuleSql.PatientName},
                      concat_ws(', ', CASE WHEN r.vip THEN 'VIP' END, CASE WHEN r.employee THEN 'employee' END)) AS summary
        FROM accesses a
        JOIN access.restriction_history r ON r.patient_id = a.patient_id AND {RuleSql.ValidAt("r", "a.occurred_at")}
        JOIN clinical.patients p ON p.id = a.patient_id
        WHERE (r.vip AND @p_includeVip) OR (r.employee AND @p_includeEmployees)
        """);
}
