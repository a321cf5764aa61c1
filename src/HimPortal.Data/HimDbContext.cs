using HimPortal.Data.Access;
using HimPortal.Data.Audit;
using HimPortal.Data.Compliance;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Data;

/// <summary>
/// The one DbContext (docs/adr/0002-one-dbcontext.md): Identity, sessions, data-protection keys and the access audit,
/// each module in its own PostgreSQL schema.
/// </summary>
public sealed class HimDbContext(DbContextOptions<HimDbContext> options)
    : IdentityDbContext<HimUser, HimRole, Guid, IdentityUserClaim<Guid>, IdentityUserRole<Guid>, IdentityUserLogin<Guid>,
        IdentityRoleClaim<Guid>, IdentityUserToken<Guid>>(options), IDataProtectionKeyContext
{
    public DbSet<UserSession> UserSessions => Set<UserSession>();

    public DbSet<PasswordResetToken> PasswordResetTokens => Set<PasswordResetToken>();

    public DbSet<AccessEvent> AccessEvents => Set<AccessEvent>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<TreatmentAssignment> TreatmentAssignments => Set<TreatmentAssignment>();

    public DbSet<BreakGlassAccess> BreakGlassAccesses => Set<BreakGlassAccess>();

    public DbSet<PatientRestriction> PatientRestrictions => Set<PatientRestriction>();

    public DbSet<RestrictionHistory> RestrictionHistory => Set<RestrictionHistory>();

    public DbSet<UserProfileHistory> UserProfileHistory => Set<UserProfileHistory>();

    public DbSet<UserRoleHistory> UserRoleHistory => Set<UserRoleHistory>();

    public DbSet<AssignmentHistory> AssignmentHistory => Set<AssignmentHistory>();

    public DbSet<RelationshipSource> RelationshipSources => Set<RelationshipSource>();

    public DbSet<SensitivityLabel> SensitivityLabels => Set<SensitivityLabel>();

    public DbSet<SensitivityCodeRule> SensitivityCodeRules => Set<SensitivityCodeRule>();

    public DbSet<ItemSensitivityLabel> ItemSensitivityLabels => Set<ItemSensitivityLabel>();

    public DbSet<UsedOneTimeCode> UsedOneTimeCodes => Set<UsedOneTimeCode>();

    public DbSet<ThrottleWindow> ThrottleWindows => Set<ThrottleWindow>();

    public DbSet<SignInThrottle> SignInThrottles => Set<SignInThrottle>();

    public DbSet<AuditLaneHead> AuditLaneHeads => Set<AuditLaneHead>();

    public DbSet<ArchivedAuditPartition> ArchivedAuditPartitions => Set<ArchivedAuditPartition>();

    public DbSet<AuditArchiveLink> AuditArchiveLinks => Set<AuditArchiveLink>();

    public DbSet<MonitoringRuleSetting> MonitoringRuleSettings => Set<MonitoringRuleSetting>();

    public DbSet<PrivacyAlert> PrivacyAlerts => Set<PrivacyAlert>();

    public DbSet<MonitoringRun> MonitoringRuns => Set<MonitoringRun>();

    public DbSet<ChainVerification> ChainVerifications => Set<ChainVerification>();

    public DbSet<Records.RecordVersion> RecordVersions => Set<Records.RecordVersion>();

    public DbSet<Records.Correction> Corrections => Set<Records.Correction>();

    public DbSet<Records.CorrectionItem> CorrectionItems => Set<Records.CorrectionItem>();

    public DbSet<Records.EnteredInError> EnteredInError => Set<Records.EnteredInError>();

    public DbSet<Records.ImportConflict> ImportConflicts => Set<Records.ImportConflict>();

    public DbSet<Jobs.Job> Jobs => Set<Jobs.Job>();

    public DbSet<Intake.UploadedFile> UploadedFiles => Set<Intake.UploadedFile>();
    public DbSet<Documents.ReceivedFile> ReceivedFiles => Set<Documents.ReceivedFile>();
    public DbSet<Documents.StoredObject> StoredObjects => Set<Documents.StoredObject>();
    public DbSet<Documents.PendingUpload> PendingUploads => Set<Documents.PendingUpload>();

    public DbSet<Mpi.MatchKeys> MatchKeys => Set<Mpi.MatchKeys>();

    public DbSet<Mpi.NameFrequency> NameFrequencies => Set<Mpi.NameFrequency>();

    public DbSet<Mpi.CandidatePair> CandidatePairs => Set<Mpi.CandidatePair>();

    public DbSet<Mpi.PairDecision> PairDecisions => Set<Mpi.PairDecision>();

    public DbSet<Mpi.PersonLink> PersonLinks => Set<Mpi.PersonLink>();

    public DbSet<Mpi.MatchSettings> MatchSettings => Set<Mpi.MatchSettings>();

    public DbSet<Mpi.ScanRun> MpiScanRuns => Set<Mpi.ScanRun>();

    public DbSet<Roi.ReleaseRequest> ReleaseRequests => Set<Roi.ReleaseRequest>();

    public DbSet<Roi.RequestDocument> RequestDocuments => Set<Roi.RequestDocument>();

    public DbSet<Roi.RequestEvent> RequestEvents => Set<Roi.RequestEvent>();

    public DbSet<Roi.Authorization> Authorizations => Set<Roi.Authorization>();

    public DbSet<Roi.RoiLetter> RoiLetters => Set<Roi.RoiLetter>();

    public DbSet<Roi.StateRule> StateRules => Set<Roi.StateRule>();

    public DbSet<Roi.RoiSettings> RoiSettings => Set<Roi.RoiSettings>();

    public DbSet<Roi.Invoice> Invoices => Set<Roi.Invoice>();

    public DbSet<Roi.Payment> Payments => Set<Roi.Payment>();

    public DbSet<Roi.Packet> Packets => Set<Roi.Packet>();

    public DbSet<Roi.PacketItem> PacketItems => Set<Roi.PacketItem>();

    public DbSet<Roi.Redaction> Redactions => Set<Roi.Redaction>();

    public DbSet<Roi.DownloadLink> DownloadLinks => Set<Roi.DownloadLink>();

    public DbSet<Roi.DownloadEvent> DownloadEvents => Set<Roi.DownloadEvent>();

    public DbSet<Roi.Delivery> Deliveries => Set<Roi.Delivery>();

    public DbSet<Roi.Disclosure> Disclosures => Set<Roi.Disclosure>();

    public DbSet<Roi.AccountingSuspension> AccountingSuspensions => Set<Roi.AccountingSuspension>();

    public DbSet<Roi.AccountingRequest> AccountingRequests => Set<Roi.AccountingRequest>();

    public DbSet<Completion.CompletionRule> CompletionRules => Set<Completion.CompletionRule>();

    public DbSet<Completion.CompletionSettings> CompletionSettings => Set<Completion.CompletionSettings>();

    public DbSet<Completion.OrderModeMapping> OrderModeMappings => Set<Completion.OrderModeMapping>();

    public DbSet<Completion.ProcedureKind> ProcedureKinds => Set<Completion.ProcedureKind>();

    public DbSet<Completion.Stay> Stays => Set<Completion.Stay>();

    public DbSet<Completion.Deficiency> Deficiencies => Set<Completion.Deficiency>();

    public DbSet<Completion.DeficiencyEvent> DeficiencyEvents => Set<Completion.DeficiencyEvent>();

    public DbSet<Completion.Signature> Signatures => Set<Completion.Signature>();

    public DbSet<Completion.DocumentDraft> DocumentDrafts => Set<Completion.DocumentDraft>();

    public DbSet<Completion.PhysicianLeave> PhysicianLeaves => Set<Completion.PhysicianLeave>();

    public DbSet<Completion.Department> Departments => Set<Completion.Department>();

    public DbSet<Completion.DepartmentMember> DepartmentMembers => Set<Completion.DepartmentMember>();

    public DbSet<Completion.CompletionNotice> CompletionNotices => Set<Completion.CompletionNotice>();

    public DbSet<Completion.Suspension> Suspensions => Set<Completion.Suspension>();

    public DbSet<Completion.AnalysisQueueEntry> AnalysisQueue => Set<Completion.AnalysisQueueEntry>();

    public DbSet<Portal.PortalSettings> PortalSettings => Set<Portal.PortalSettings>();

    public DbSet<Portal.ActivationCode> ActivationCodes => Set<Portal.ActivationCode>();

    public DbSet<Portal.ProxyGrant> ProxyGrants => Set<Portal.ProxyGrant>();

    public DbSet<Portal.InformationBlockingHold> InformationBlockingHolds => Set<Portal.InformationBlockingHold>();

    public DbSet<Portal.AccessFlag> AccessFlags => Set<Portal.AccessFlag>();

    public DbSet<Portal.AmendmentRequest> AmendmentRequests => Set<Portal.AmendmentRequest>();

    public DbSet<Portal.AmendmentEvent> AmendmentEvents => Set<Portal.AmendmentEvent>();

    public DbSet<Portal.AmendmentRecipient> AmendmentRecipients => Set<Portal.AmendmentRecipient>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Partial name search: a trigram index over the accent-free search name the importer computes.
        builder.HasPostgresExtension("pg_trgm");
        // The patient index's phonetic codes (dmetaphone) and edit distances (levenshtein): issue 16.
        builder.HasPostgresExtension("fuzzystrmatch");
        builder.ApplyConfigurationsFromAssembly(typeof(HimDbContext).Assembly);

        builder.Entity<HimUser>().ToTable("users");
        builder.Entity<HimRole>().ToTable("roles");
        builder.Entity<IdentityUserRole<Guid>>().ToTable("user_roles");
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("user_claims");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("user_tokens");
        builder.Entity<IdentityRoleClaim<Guid>>().ToTable("role_claims");
        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");

        foreach (var entity in builder.Model.GetEntityTypes())
        {
            if (entity.ClrType.Namespace?.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) == true
                || entity.ClrType.Namespace == typeof(HimUser).Namespace)
            {
                entity.SetSchema(Schemas.Identity);
            }
        }
    }
}

public static class Schemas
{
    public const string Identity = "identity";
    public const string Audit = "audit";
    public const string Clinical = "clinical";

    /// <summary>
    /// Who may open which chart beyond the record itself (assignments, break-the-glass accesses, restricted patients), what
    /// in it is sensitive (labels), the shared state of sign-in defences (used one-time codes, throttles), and the dated
    /// history of restrictions, assignments and users' roles and profiles that privacy monitoring judges accesses by.
    /// </summary>
    public const string Access = "access";

    /// <summary>Privacy monitoring: rule settings, alerts and their dispositions, rule runs, chain verifications.</summary>
    public const string Compliance = "compliance";

    /// <summary>The durable work queue (jobs.jobs) and its companion tables.</summary>
    public const string Jobs = "jobs";

    /// <summary>Quartz.NET's clustered job store: the schedules (privacy monitoring, audit upkeep), fired once across nodes.</summary>
    public const string Quartz = "quartz";

    /// <summary>Record intake: files received and waiting to be imported.</summary>
    public const string Intake = "intake";

    /// <summary>Scanned and faxed documents: the files received, and the document store's bytes (ADR 0024).</summary>
    public const string Documents = "documents";

    /// <summary>The master patient index (ADR 0015): match keys, candidate pairs and decisions, links of records into persons.</summary>
    public const string Mpi = "mpi";

    /// <summary>Release of information (ADR 0030): requests, authorizations, fees, packets, delivery, the accounting of disclosures.</summary>
    public const string Roi = "roi";

    /// <summary>Chart completion (ADR 0035): rules, stays and their deficiencies, signatures, drafts, leave, notices, suspensions.</summary>
    public const string Completion = "completion";

    /// <summary>The patient portal (ADR 0040): settings, activation codes, proxy access, information-blocking holds, access flags, amendments.</summary>
    public const string Portal = "portal";
}
