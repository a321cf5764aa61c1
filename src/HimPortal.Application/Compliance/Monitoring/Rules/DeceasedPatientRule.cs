namespace HimPortal.Application.Compliance.Monitoring.Rules;

/// <summary>A chart opened long after the patient's death, when care can no longer be the reason.</summary>
public sealed class DeceasedPatientRule : MonitoringRule
{
    public const string RuleCode = "deceased-patient";

    public override string Code => RuleCode;

    public override string Title => "Deceased patient, long after death";

    public override string Description =>
        "A user opened the chart of a patient who died more than the given number of days earlier. Care is no longer the " +
        "reason; a records request (release of information) goes through HIM.";

    public override IReadOnlyList<RuleParameter> Parameters { get; } =
    [
        new("daysAfterDeath", "Days after death", RuleParameterKind.WholeNumber, "90", 0, 36500),
        new("includeOperations", "Include HIM department work", RuleParameterKind.Boolean, "true",
            Help: "Off: accesses for HIM operations (purpose HOPERAT, e.g. releases to an estate) do not count."),
    ];

    /// <summary>The time from death to the access in words ("77 years", "3 months", "12 days"), on the hospital's calendar.</summary>
    private const string SinceDeath = "compliance.elapsed_words(p.deceased_at AT TIME ZONE @tz, a.occurred_at AT TIME ZONE @tz)";

    public override string CandidatesSql => RuleSql.PerUserPatientDay(Code, $"""
        SELECT a.*, jsonb_build_object('deceasedAt', p.deceased_at, 'timeSinceDeath', {SinceDeath}, 'patient', {RuleSql.PatientName}) AS facts,
               format('%s opened the chart of %s, who died %s earlier', a.user_name, {RuleSql.PatientName}, {SinceDeath}) AS summary
        FROM accesses a
        JOIN clinical.patients p ON p.id = a.patient_id
        WHERE p.deceased AND p.deceased_at IS NOT NULL
          AND a.occurred_at > p.deceased_at + make_interval(days => @p_daysAfterDeath)
          AND (@p_includeOperations OR a.purpose IS DISTINCT FROM 'HOPERAT')
        """);
}
