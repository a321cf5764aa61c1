using HimPortal.Application.Compliance.Monitoring.Rules;

namespace HimPortal.Application.Compliance.Monitoring;

/// <summary>Every privacy-monitoring rule, in the order the rules page lists them.</summary>
public static class MonitoringRules
{
    public static readonly IReadOnlyList<MonitoringRule> All =
    [
        new OwnRecordRule(), new SameFamilyNameRule(), new SameAddressRule(), new RestrictedPatientRule(), new CoworkerRule(),
        new NoTreatmentRelationshipRule(), new UnusualVolumeRule(), new AfterHoursRule(), new DeceasedPatientRule(), new DisabledAccountRule(),
        new SelfMadeRelationshipRule(), new RoleGrantedRule(),
    ];

    public static MonitoringRule? Find(string? code) => All.FirstOrDefault(r => r.Code == code);

    /// <summary>
    /// Alerts no rule of the log raises but a person reports: a patient who does not recognise an access to their chart
    /// (the portal's "who looked", issue 19 item 7). The queue shows and filters them like the rules' alerts.
    /// </summary>
    public static readonly IReadOnlyList<(string Code, string Title, string Description)> Reported =
    [
        (Data.Portal.AccessFlag.AlertRuleCode, "The patient does not recognise an access",
            "The patient (or their personal representative) flagged this access to their chart in the portal as one they do not recognise, with their comment when they gave one."),
    ];

    /// <summary>The alert's rule in words: a monitoring rule's title, a reported alert's, or the code when neither knows it.</summary>
    public static string TitleOf(string code) => Find(code)?.Title ?? Reported.Where(r => r.Code == code).Select(r => r.Title).FirstOrDefault() ?? code;

    public static string DescriptionOf(string code) => Find(code)?.Description ?? Reported.Where(r => r.Code == code).Select(r => r.Description).FirstOrDefault() ?? "";

    public static bool IsKnown(string code) => Find(code) is not null || Reported.Any(r => r.Code == code);
}
