using HimPortal.Application.Access;

namespace HimPortal.Web.Infrastructure;

/// <summary>Where each role lands after signing in: the page for its work; and the navigation every page shows.</summary>
public static class HomePages
{
    public sealed record Home(string Role, string Path, string Title, string Permission);

    /// <summary>One link of the navigation: shown to whoever holds its permission.</summary>
    public sealed record Destination(string Path, string Title, string Permission, string TestId);

    public static readonly IReadOnlyList<Home> All =
    [
        new(Roles.Administrator, "/Administration/Users", "User administration", Permissions.UsersManage),
        new(Roles.HimManager, "/Management", "Department overview", Permissions.DepartmentDashboard),
        new(Roles.HimClerk, "/Intake", "Record intake", Permissions.IntakeImport),
        new(Roles.RoiSpecialist, "/Roi", "Release of information", Permissions.RoiProcess),
        new(Roles.Physician, "/Charts", "Patient charts", Permissions.ChartsSearch),
        new(Roles.ComplianceOfficer, "/Compliance", "Access audit review", Permissions.AuditReview),
    ];

    /// <summary>
    /// Every workflow's entry, in one order. The navigation is built from the user's permissions, not from their role's
    /// home alone: an HIM manager imports records and manages chart access as well as running the department.
    /// </summary>
    public static readonly IReadOnlyList<Destination> Destinations =
    [
        new("/Administration/Users", "User administration", Permissions.UsersManage, "nav-users"),
        new("/Management", "Department overview", Permissions.DepartmentDashboard, "nav-management"),
        new("/Intake", "Record intake", Permissions.IntakeImport, "nav-intake"),
        new("/Intake/Queue", "Indexing queue", Permissions.IntakeIndex, "nav-indexing-queue"),
        new("/Mpi/Worklist", "Duplicate worklist", Permissions.MpiReview, "nav-mpi-worklist"),
        new("/Mpi/Settings", "Matching settings", Permissions.MpiConfigure, "nav-mpi-settings"),
        new("/ChartAccess", "Chart access", Permissions.ChartAccessManage, "nav-chart-access"),
        new("/Roi", "Release of information", Permissions.RoiProcess, "nav-roi"),
        new("/Roi/Requests/New", "Log a request", Permissions.RoiProcess, "nav-roi-new-request"),
        new("/Roi/Numbers", "ROI numbers", Permissions.RoiNumbers, "nav-roi-numbers"),
        new("/Roi/Settings", "ROI settings", Permissions.RoiConfigure, "nav-roi-settings"),
        new("/Roi/Accounting", "Accounting of disclosures", Permissions.RoiProcess, "nav-roi-accounting"),
        new("/Charts", "Find a patient", Permissions.ChartsSearch, "nav-find-patient"),
        new("/Completion/Inbox", "Chart completion inbox", Permissions.CompletionSign, "nav-completion-inbox"),
        new("/Completion/Notices", "Completion notices", Permissions.CompletionSign, "nav-completion-notices"),
        new("/Completion/Him", "Chart completion", Permissions.CompletionAnalyse, "nav-completion-him"),
        new("/Completion/Amendments", "Requests to amend", Permissions.CompletionAnalyse, "nav-completion-amendments"),
        new("/Completion/Numbers", "Completion numbers", Permissions.CompletionManage, "nav-completion-numbers"),
        new("/Completion/Suspensions", "Suspension list", Permissions.CompletionManage, "nav-completion-suspensions"),
        new("/Completion/Settings", "Completion rules", Permissions.CompletionManage, "nav-completion-rules"),
        new("/Compliance", "Access audit review", Permissions.AuditReview, "nav-access-audit"),
        new("/PortalAccounts", "Portal accounts", Permissions.PortalEnrol, "nav-portal-accounts"),
        new("/PortalAccounts/Settings", "Portal settings", Permissions.PortalConfigure, "nav-portal-settings"),
        new("/PortalProxies", "Personal representatives", Permissions.PortalEnrol, "nav-portal-proxies"),
    ];

    public static IReadOnlyList<Home> For(IEnumerable<string> roles) =>
        All.Where(h => roles.Contains(h.Role, StringComparer.Ordinal)).ToList();

    /// <summary>
    /// The links of the navigation for these roles: each destination they may use, under their home's title where it is
    /// one of their homes ("Patient charts" for a physician, "Find a patient" for the others), then their jobs.
    /// </summary>
    public static IReadOnlyList<Destination> NavigationFor(IEnumerable<string> roles)
    {
        var held = roles.ToList();
        var homes = For(held);
        var links = Destinations
            .Where(d => RolePermissions.Grants(held, d.Permission))
            .Select(d => homes.FirstOrDefault(h => h.Path == d.Path) is { } home ? d with { Title = home.Title } : d)
            .ToList();
        // Staff follow their imports and verifications on the job pages; a patient has none.
        if (held.Any(r => r != Roles.Patient))
        {
            links.Add(new Destination("/Jobs", "Jobs", Permissions.SignedIn, "nav-jobs"));
        }

        return links;
    }
}
