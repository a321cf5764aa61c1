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

    public static bool IsKnown(string role) => Normalize(role) is not null;

    /// <summary>Returns the canonical spelling of a role name given in any case, or null when there is no such role.</summary>
    public static string? Normalize(string role) =>
        All.FirstOrDefault(r => string.Equals(r, role.Trim(), StringComparison.OrdinalIgnoreCase));
}
