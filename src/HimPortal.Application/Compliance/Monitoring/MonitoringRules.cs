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
}
