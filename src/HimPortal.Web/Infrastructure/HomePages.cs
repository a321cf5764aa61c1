using HimPortal.Application.Access;

namespace HimPortal.Web.Infrastructure;

/// <summary>Where each role lands after signing in: the page for its work.</summary>
public static class HomePages
{
    public sealed record Home(string Role, string Path, string Title, string Permission);

    public static readonly IReadOnlyList<Home> All =
    [
        new(Roles.Administrator, "/Administration/Users", "User administration", Permissions.UsersManage),
        new(Roles.HimManager, "/Management", "Department overview", Permissions.DepartmentDashboard),
        new(Roles.HimClerk, "/Intake", "Record intake", Permissions.IntakeImport),
        new(Roles.RoiSpecialist, "/Roi", "Release of information", Permissions.RoiProcess),
        new(Roles.Physician, "/Charts", "Patient charts", Permissions.ChartsSearch),
        new(Roles.ComplianceOfficer, "/Compliance", "Access audit review", Permissions.AuditReview),
        new(Roles.Patient, "/Portal", "My health record", Permissions.PortalSelf),
    ];

    public static IReadOnlyList<Home> For(IEnumerable<string> roles) =>
        All.Where(h => roles.Contains(h.Role, StringComparer.Ordinal)).ToList();
}
