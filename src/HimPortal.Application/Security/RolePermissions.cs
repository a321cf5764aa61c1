using System.Collections.Frozen;

namespace HimPortal.Application.Security;

/// <summary>
/// The one map from role to permission. Least privilege: administrators manage accounts but read no charts;
/// compliance officers review the access log, not clinical content; patients reach only their own portal.
/// </summary>
public static class RolePermissions
{
    private static readonly FrozenDictionary<string, FrozenSet<string>> Map = new Dictionary<string, FrozenSet<string>>
    {
        [Roles.Administrator] = Set(Permissions.UsersManage),
        [Roles.HimManager] = Set(Permissions.DepartmentDashboard, Permissions.IntakeImport, Permissions.IntakeIndex,
            Permissions.CompletionManage, Permissions.AuditReview),
        [Roles.HimClerk] = Set(Permissions.IntakeImport, Permissions.IntakeIndex),
        [Roles.RoiSpecialist] = Set(Permissions.RoiProcess),
        [Roles.Physician] = Set(Permissions.ChartsRead, Permissions.ChartsBreakGlass, Permissions.CompletionSign),
        [Roles.ComplianceOfficer] = Set(Permissions.AuditReview),
        [Roles.Patient] = Set(Permissions.PortalSelf),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool Grants(IEnumerable<string> roles, string permission) =>
        permission == Permissions.SignedIn
        || roles.Any(role => Map.TryGetValue(role, out var granted) && granted.Contains(permission));

    public static IReadOnlySet<string> For(string role) =>
        Map.TryGetValue(role, out var granted) ? granted : FrozenSet<string>.Empty;

    private static FrozenSet<string> Set(params string[] permissions) =>
        permissions.Append(Permissions.SignedIn).ToFrozenSet(StringComparer.Ordinal);
}
