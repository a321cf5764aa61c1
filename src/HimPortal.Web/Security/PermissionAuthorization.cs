using HimPortal.Application.Access;
using Microsoft.AspNetCore.Authorization;

namespace HimPortal.Web.Security;

/// <summary>The staff app's pages: who may use each folder (the permission policies themselves are <see cref="HimPortal.Hosting.PermissionPolicies"/>).</summary>
public static class AuthorizationSetup
{
    /// <summary>Each workflow folder states who may use it. The test AuthorizationCoverageTests keeps every page honest.</summary>
    public static void AddFolderPolicies(Microsoft.AspNetCore.Mvc.ApplicationModels.PageConventionCollection conventions)
    {
        conventions.AuthorizePage("/Index", Permissions.SignedIn);
        conventions.AuthorizePage("/Account/Logout", Permissions.SignedIn);
        conventions.AuthorizePage("/Account/ChangePassword", Permissions.SignedIn);
        conventions.AuthorizePage("/Account/Authenticator", Permissions.SignedIn);
        conventions.AuthorizePage("/Account/Reauthenticate", Permissions.SignedIn);
        conventions.AllowAnonymousToPage("/Account/SignInCode");
        conventions.AllowAnonymousToPage("/Account/ProviderCallback");
        conventions.AllowAnonymousToPage("/Account/Login");
        conventions.AllowAnonymousToPage("/Account/ForgotPassword");
        conventions.AllowAnonymousToPage("/Account/ResetPassword");
        conventions.AllowAnonymousToPage("/Account/AccessDenied");
        conventions.AllowAnonymousToPage("/Error");
        // The recipient of a secure download link (issue 17): no account; the token and the handler's throttle guard it.
        conventions.AllowAnonymousToPage("/Release/Download");
        conventions.AuthorizeFolder("/Administration", Permissions.UsersManage);
        conventions.AuthorizeFolder("/Intake", Permissions.IntakeImport);
        // Indexing scanned documents (issue 15) and the document-type catalogue: their own permissions, on top of the folder's.
        conventions.AuthorizePage("/Intake/Queue", Permissions.IntakeIndex);
        conventions.AuthorizePage("/Intake/IndexDocument", Permissions.IntakeIndex);
        conventions.AuthorizePage("/Intake/DocumentTypes", Permissions.IntakeConfigure);
        // Issue 15 items 6-7: QA, its settings, and misfile corrections (a move between records: Records.Correct).
        conventions.AuthorizeFolder("/Intake/QualityReview", Permissions.IntakeQualityReview);
        conventions.AuthorizePage("/Intake/QualityReview/Settings", Permissions.IntakeConfigure);
        conventions.AuthorizeFolder("/Intake/Misfiles", Permissions.RecordsCorrect);
        // Cover sheets name a patient and their encounters: indexing's permission, on top of the folder's.
        conventions.AuthorizePage("/Intake/CoverSheets", Permissions.IntakeIndex);
        // Scanned documents' pages and the indexing screen (issue 15).
        conventions.AuthorizeFolder("/Documents", Permissions.IntakeIndex);
        // Whoever may search may reach a chart; what it shows is decided per patient by ChartAccessRules in the handlers.
        conventions.AuthorizeFolder("/Charts", Permissions.ChartsSearch);
        conventions.AuthorizePage("/Charts/Notices", Permissions.ChartsRead);
        conventions.AuthorizeFolder("/ChartAccess", Permissions.ChartAccessManage);
        // Chart completion (issue 18): the physician's inbox, signing, writing and refusing.
        conventions.AuthorizeFolder("/Completion/Inbox", Permissions.CompletionSign);
        conventions.AuthorizeFolder("/Compliance", Permissions.AuditReview);
        // The master patient index (issue 16): the duplicate worklist, pairs, persons and overlays; its settings are managers'.
        conventions.AuthorizeFolder("/Mpi", Permissions.MpiReview);
        conventions.AuthorizePage("/Mpi/Settings", Permissions.MpiConfigure);
        conventions.AuthorizeFolder("/Mpi/Overlay", Permissions.RecordsCorrect);
        // Release of information (issue 17): the ROI specialist's folder, except its settings (HIM managers, Roi.Configure) and
        // its numbers (Roi.Numbers): folder policies add up, so those two pages are taken out of the folder's Roi.Process.
        conventions.AddFolderApplicationModelConvention("/Roi", model => model.EndpointMetadata.Add(new AuthorizeAttribute(model.ViewEnginePath switch
        {
            "/Roi/Settings" => Permissions.RoiConfigure,
            "/Roi/Numbers" => Permissions.RoiNumbers,
            _ => Permissions.RoiProcess,
        })));
        // Chart completion (issue 18): the HIM analyst's queue, stays and leave; the HIM manager's rules, settings and departments.
        conventions.AuthorizeFolder("/Completion/Him", Permissions.CompletionAnalyse);
        conventions.AuthorizeFolder("/Completion/Amendments", Permissions.CompletionAnalyse);
        conventions.AuthorizeFolder("/Completion/Settings", Permissions.CompletionManage);
        conventions.AuthorizeFolder("/Management", Permissions.DepartmentDashboard);
        conventions.AuthorizePage("/Completion/Notices", Permissions.CompletionSign);
        conventions.AuthorizePage("/Completion/Suspensions", Permissions.CompletionManage);
        conventions.AuthorizePage("/Completion/Numbers", Permissions.CompletionManage);
        conventions.AuthorizeFolder("/PortalAccounts", Permissions.PortalEnrol);
        conventions.AuthorizePage("/PortalAccounts/Settings", Permissions.PortalConfigure);
        // The patient portal's staff side (issue 19): information-blocking holds (45 CFR 171), personal representatives (164.502(g)).
        conventions.AuthorizeFolder("/PortalHolds", Permissions.PortalHold);
        conventions.AuthorizeFolder("/PortalProxies", Permissions.PortalEnrol);
        // Everyone's own jobs; what each may see of others' is the handlers' (Jobs.Monitor).
        conventions.AuthorizeFolder("/Jobs", Permissions.SignedIn);
    }
}
