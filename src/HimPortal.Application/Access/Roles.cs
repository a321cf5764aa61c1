using System.Collections.Frozen;

namespace HimPortal.Application.Access;

/// <summary>The roles of the HIM department. Pages and handlers never ask for a role: they ask for a <see cref="Permissions"/> entry.</summary>
public static class Roles
{
    public const string Administrator = "Administrator";
    public const string HimManager = "HimManager";
    public const string HimClerk = "HimClerk";
    public const string RoiSpecialist = "RoiSpecialist";
    public const string Physician = "Physician";
    public const string ComplianceOfficer = "ComplianceOfficer";
    public const string Patient = "Patient";

    /// <summary>
    /// The scheduler: scheduled jobs (privacy monitoring, audit upkeep) run as the built-in user "system" with this role.
    /// Not a role anyone holds: it is in no account's list, and <see cref="All"/> (what administrators assign) leaves it out.
    /// </summary>
    public const string System = "System";

    /// <summary>
    /// The operator at the `himportal` console, trusted because they hold the database's credentials (migrations, the first
    /// administrator, imports, audit upkeep). Like <see cref="System"/>, never assigned to an account.
    /// </summary>
    public const string Console = "Console";

    /// <summary>The roles administrators assign to accounts.</summary>
    public static readonly IReadOnlyList<string> All =
        [Administrator, HimManager, HimClerk, RoiSpecialist, Physician, ComplianceOfficer, Patient];

    /// <summary>
    /// How people read each role: every page shows these, while code, claims, the audit and the console keep the internal
    /// names above (an audit row's roles are data, compared by rules and exported as they are).
    /// </summary>
    private static readonly FrozenDictionary<string, string> DisplayNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [Administrator] = "Administrator",
        [HimManager] = "HIM manager",
        [HimClerk] = "HIM clerk",
        [RoiSpecialist] = "Release-of-information specialist",
        [Physician] = "Physician",
        [ComplianceOfficer] = "Compliance officer",
        [Patient] = "Patient",
        [System] = "Scheduler (system)",
        [Console] = "Console operator",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool IsKnown(string role) => Normalize(role) is not null;

    /// <summary>
    /// Returns the canonical spelling of a role given by its internal name or its display name, in any case, or null when
    /// there is no such role.
    /// </summary>
    public static string? Normalize(string role)
    {
        ArgumentNullException.ThrowIfNull(role);
        var given = role.Trim();
        return All.FirstOrDefault(r => string.Equals(r, given, StringComparison.OrdinalIgnoreCase)
                                       || string.Equals(DisplayNames[r], given, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The role as people read it ("HIM manager"); an unknown name is shown as it is.</summary>
    public static string DisplayName(string role) => DisplayNames.GetValueOrDefault(role, role);

    /// <summary>Several roles as people read them, in the order given, comma-separated.</summary>
    public static string Display(IEnumerable<string> roles) => string.Join(", ", roles.Select(DisplayName));
}
