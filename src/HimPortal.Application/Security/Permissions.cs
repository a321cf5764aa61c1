namespace HimPortal.Application.Security;

/// <summary>
/// Capabilities ("data actions", after microsoft/fhir-server). Each is also the name of an authorization policy.
/// Roles are mapped to them in one place: <see cref="RolePermissions"/>.
/// </summary>
public static class Permissions
{
    /// <summary>Any signed-in user: their own landing page and sign-out.</summary>
    public const string SignedIn = "SignedIn";

    public const string UsersManage = "Users.Manage";
    public const string IntakeImport = "Intake.Import";
    public const string IntakeIndex = "Intake.Index";
    public const string ChartsRead = "Charts.Read";
    public const string ChartsBreakGlass = "Charts.BreakGlass";
    public const string CompletionSign = "Completion.Sign";
    public const string CompletionManage = "Completion.Manage";
    public const string AuditReview = "Audit.Review";
    public const string RoiProcess = "Roi.Process";
    public const string DepartmentDashboard = "Department.Dashboard";
    public const string PortalSelf = "Portal.Self";

    public static readonly IReadOnlyList<string> All =
    [
        SignedIn, UsersManage, IntakeImport, IntakeIndex, ChartsRead, ChartsBreakGlass, CompletionSign, CompletionManage,
        AuditReview, RoiProcess, DepartmentDashboard, PortalSelf,
    ];
}
