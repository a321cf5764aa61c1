namespace HimPortal.Application.Access;

/// <summary>
/// Capabilities ("data actions", after microsoft/fhir-server). Each is also the name of an authorization policy.
/// Roles are mapped to them in one place: <see cref="RolePermissions"/>.
/// </summary>
public static class Permissions
{
    /// <summary>Anyone, signed in or not: only signing in itself and resetting a forgotten password.</summary>
    public const string Anyone = "Anyone";

    /// <summary>Any signed-in user: their own landing page and sign-out.</summary>
    public const string SignedIn = "SignedIn";

    public const string UsersManage = "Users.Manage";

    /// <summary>
    /// Send account mail on someone's behalf (a password-reset link asked for on the sign-in page by someone not signed
    /// in): the scheduler's jobs only, so the link is made and sent in the background, never in the anonymous request.
    /// </summary>
    public const string AccountsNotify = "Accounts.Notify";
    public const string IntakeImport = "Intake.Import";
    /// <summary>Index scanned documents: the work queue, a received file's pages, filing to a patient, dispositions.</summary>
    public const string IntakeIndex = "Intake.Index";

    /// <summary>Check another clerk's indexing in the QA queue (confirm, or correct: a wrong patient is a misfile).</summary>
    public const string IntakeQualityReview = "Intake.QualityReview";

    /// <summary>Maintain the document-type catalogue and the QA sampling rate.</summary>
    public const string IntakeConfigure = "Intake.Configure";
    /// <summary>Find a patient by name, MRN or birth date (name, sex, birth date, MRN, last visit: enough to pick the right one).</summary>
    public const string ChartsSearch = "Charts.Search";

    /// <summary>The chart's demographic header.</summary>
    public const string ChartsDemographics = "Charts.Demographics";

    /// <summary>The encounter timeline: dates, class, type, where; not what was found or done.</summary>
    public const string ChartsEncounters = "Charts.Encounters";

    /// <summary>The list of the chart's documents (type, date, author, status), not their text.</summary>
    public const string ChartsDocuments = "Charts.Documents";

    /// <summary>The clinical content: problems, medications, allergies, results, notes. Needs a treatment relationship.</summary>
    public const string ChartsRead = "Charts.Read";

    public const string ChartsBreakGlass = "Charts.BreakGlass";

    /// <summary>Record treatment assignments and restrict patients' records (VIP, employee).</summary>
    public const string ChartAccessManage = "ChartAccess.Manage";

    /// <summary>
    /// Read the sensitivity labels on a patient's record. A label names what the record holds (HIV, substance use), so
    /// only those who label records or release them hold it: HIM staff, release of information, the scheduler's jobs.
    /// </summary>
    public const string SensitivityRead = "Sensitivity.Read";

    /// <summary>Define the sensitivity labels, whether each blocks release, and the codes that apply them (the privacy officer, the HIM manager).</summary>
    public const string SensitivityConfigure = "Sensitivity.Configure";

    /// <summary>
    /// Correct the record between patients (a misfiled document, an overlay): the originals are marked entered-in-error and
    /// copied under the right patient, with provenance, and the correction can be undone (ADR 0015). HIM staff's work.
    /// </summary>
    public const string RecordsCorrect = "Records.Correct";

    /// <summary>The duplicate worklist of the master patient index: review pairs, link and unlink records of one person (ADR 0015).</summary>
    public const string MpiReview = "Mpi.Review";

    /// <summary>Run the matcher: match arriving records, scan the whole index (a job, `himportal mpi scan`).</summary>
    public const string MpiMatch = "Mpi.Match";

    /// <summary>Set the matcher's weights and thresholds, auto-linking and the second reviewer.</summary>
    public const string MpiConfigure = "Mpi.Configure";

    /// <summary>A physician's own chart completion: their inbox, signing, writing, addenda, refusals (42 CFR 482.24(c)).</summary>
    public const string CompletionSign = "Completion.Sign";

    /// <summary>Set chart completion's rules, settings and departments; see its numbers and the suspension list.</summary>
    public const string CompletionManage = "Completion.Manage";

    /// <summary>HIM analysts' chart completion: the queue of unassigned deficiencies, manual deficiencies, reassignment, marking a stay complete, physicians' leave.</summary>
    public const string CompletionAnalyse = "Completion.Analyse";

    /// <summary>Run the analysis and the daily aging (the job runner and the console); read what the analysis holds (`himportal completion status`).</summary>
    public const string CompletionRun = "Completion.Run";

    /// <summary>Read the access log, review break-the-glass accesses and privacy alerts, check the audit chain.</summary>
    public const string AuditReview = "Audit.Review";

    /// <summary>Switch and tune the privacy-monitoring rules, and run them on demand.</summary>
    public const string AuditManageRules = "Audit.ManageRules";
    /// <summary>Keep the audit itself: monthly partitions ahead, archive of expired months, synthetic history (the console and the scheduler).</summary>
    public const string AuditMaintain = "Audit.Maintain";

    /// <summary>See the background jobs of others and the department's job queue (their own jobs everyone sees).</summary>
    public const string JobsMonitor = "Jobs.Monitor";

    /// <summary>Release of information: log requests, check authorizations, charge fees, build and deliver packets, keep the accounting (issue 17).</summary>
    public const string RoiProcess = "Roi.Process";

    /// <summary>Set the release policy: state deadlines and fee schedules, the patient rate, download links, restricted labels.</summary>
    public const string RoiConfigure = "Roi.Configure";

    /// <summary>The release numbers: backlog, due, overdue, turnaround, pages, fees (ROI and HIM manager pages).</summary>
    public const string RoiNumbers = "Roi.Numbers";

    /// <summary>Build a release packet or a whole-record export (the packet job, `himportal export`).</summary>
    public const string RoiExport = "Roi.Export";

    public const string DepartmentDashboard = "Department.Dashboard";
    /// <summary>The patient portal: a patient (or their personal representative) reads and acts on their own record only (issue 19).</summary>
    public const string PortalSelf = "Portal.Self";

    /// <summary>Issue portal activation letters and set up personal representatives' proxy access (HIM staff).</summary>
    public const string PortalEnrol = "Portal.Enrol";

    /// <summary>Set the portal's rules: activation, second factor, names shown, proxy age, amendment clocks.</summary>
    public const string PortalConfigure = "Portal.Configure";

    /// <summary>Hold an item back from the portal under an exception of the information-blocking rule (45 CFR 171), with its reason.</summary>
    public const string PortalHold = "Portal.Hold";

    public static readonly IReadOnlyList<string> All =
    [
        SignedIn, UsersManage, AccountsNotify, IntakeImport, IntakeIndex, IntakeQualityReview, IntakeConfigure, ChartsSearch, ChartsDemographics, ChartsEncounters, ChartsDocuments,
        ChartsRead, ChartsBreakGlass, ChartAccessManage, RecordsCorrect, SensitivityRead, SensitivityConfigure, CompletionSign, CompletionManage, CompletionAnalyse, CompletionRun, AuditReview, AuditManageRules, AuditMaintain,
        JobsMonitor, RoiProcess, RoiConfigure, RoiNumbers, RoiExport, MpiReview, MpiMatch, MpiConfigure,
        DepartmentDashboard, PortalSelf, PortalEnrol, PortalConfigure, PortalHold,
    ];
}
