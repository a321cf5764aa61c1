using System.Collections.Frozen;

namespace HimPortal.Application.Access;

/// <summary>
/// The one map from role to permission. Least privilege: administrators manage accounts but read no charts;
/// compliance officers review the access log and see who a patient is, not the clinical content; HIM clerks see
/// demographics and the document list (for indexing), not results; patients reach only their own portal. Sensitivity
/// labels (which say what a record holds) are read by those who label and release records, and defined by the privacy
/// officer and the HIM manager, who set the policy without reading any patient's labels by it.
/// The chart-section matrix that follows from it is <see cref="ChartSections"/> (and the README).
/// </summary>
public static class RolePermissions
{
    private static readonly FrozenDictionary<string, FrozenSet<string>> Map = new Dictionary<string, FrozenSet<string>>
    {
        [Roles.Administrator] = Set(Permissions.UsersManage, Permissions.JobsMonitor),
        [Roles.HimManager] = Set(Permissions.DepartmentDashboard, Permissions.JobsMonitor, Permissions.IntakeImport, Permissions.IntakeIndex,
            Permissions.IntakeQualityReview, Permissions.IntakeConfigure, Permissions.MpiReview, Permissions.MpiMatch, Permissions.MpiConfigure,
            Permissions.CompletionManage, Permissions.CompletionAnalyse, Permissions.AuditReview, Permissions.ChartAccessManage, Permissions.RecordsCorrect,
            Permissions.SensitivityRead, Permissions.SensitivityConfigure, Permissions.RoiConfigure, Permissions.RoiNumbers, Permissions.RoiExport,
            Permissions.ChartsSearch, Permissions.ChartsDemographics, Permissions.ChartsEncounters, Permissions.ChartsDocuments,
            Permissions.PortalEnrol, Permissions.PortalConfigure, Permissions.PortalHold),
        [Roles.HimClerk] = Set(Permissions.IntakeImport, Permissions.IntakeIndex, Permissions.IntakeQualityReview, Permissions.ChartAccessManage,
            Permissions.RecordsCorrect, Permissions.MpiReview, Permissions.MpiMatch, Permissions.CompletionAnalyse,
            Permissions.SensitivityRead, Permissions.PortalEnrol,
            Permissions.ChartsSearch, Permissions.ChartsDemographics, Permissions.ChartsDocuments),
        [Roles.RoiSpecialist] = Set(Permissions.RoiProcess, Permissions.RoiNumbers, Permissions.RoiExport, Permissions.SensitivityRead,
            Permissions.ChartsSearch, Permissions.ChartsDemographics, Permissions.ChartsEncounters, Permissions.ChartsDocuments),
        [Roles.Physician] = Set(Permissions.ChartsRead, Permissions.ChartsBreakGlass, Permissions.CompletionSign, Permissions.PortalHold,
            Permissions.ChartsSearch, Permissions.ChartsDemographics, Permissions.ChartsEncounters, Permissions.ChartsDocuments),
        [Roles.ComplianceOfficer] = Set(Permissions.AuditReview, Permissions.AuditManageRules, Permissions.SensitivityConfigure, Permissions.JobsMonitor,
            Permissions.ChartsSearch,
            Permissions.ChartsDemographics),
        [Roles.Patient] = Set(Permissions.PortalSelf),
        [Roles.System] = Set(Permissions.AuditMaintain, Permissions.AuditManageRules, Permissions.AuditReview, Permissions.IntakeImport,
            Permissions.IntakeIndex, Permissions.MpiMatch, Permissions.RoiExport, Permissions.CompletionRun,
            Permissions.SensitivityRead, Permissions.AccountsNotify),
        [Roles.Console] = Set(Permissions.AuditMaintain, Permissions.AuditReview, Permissions.UsersManage, Permissions.IntakeImport,
            Permissions.JobsMonitor, Permissions.MpiMatch, Permissions.RoiExport, Permissions.CompletionRun),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// What an account holding Administrator never gets from its other roles: anything that reads a patient's record
    /// (issue 14: an administrator gave themselves Physician, broke the glass and read a chart). Whoever manages the
    /// accounts must not also be able to use them to read records (separation of duties, 45 CFR 164.308(a)(4)); a
    /// clinician who administers keeps two accounts.
    /// </summary>
    public static readonly FrozenSet<string> NeverWithAdministrator = new[]
    {
        Permissions.ChartsRead, Permissions.ChartsBreakGlass, Permissions.ChartsSearch, Permissions.ChartsDemographics, Permissions.ChartsEncounters,
        Permissions.ChartsDocuments, Permissions.CompletionSign, Permissions.CompletionAnalyse, Permissions.RoiProcess, Permissions.RoiExport, Permissions.SensitivityRead, Permissions.PortalSelf,
        Permissions.PortalEnrol, Permissions.PortalHold,
    }.ToFrozenSet(StringComparer.Ordinal);

    public static bool Grants(IEnumerable<string> roles, string permission)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (permission == Permissions.SignedIn)
        {
            return true;
        }

        var held = roles as IReadOnlyCollection<string> ?? roles.ToList();
        return !(NeverWithAdministrator.Contains(permission) && held.Contains(Roles.Administrator, StringComparer.Ordinal))
               && held.Any(role => Map.TryGetValue(role, out var granted) && granted.Contains(permission));
    }

    public static IReadOnlySet<string> For(string role) =>
        Map.TryGetValue(role, out var granted) ? granted : FrozenSet<string>.Empty;

    private static FrozenSet<string> Set(params string[] permissions) =>
        permissions.Append(Permissions.SignedIn).ToFrozenSet(StringComparer.Ordinal);
}
