using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Completion;

// Chart completion (issue 18, ADR 0035). One schema, `completion`: the medical staff's rules, each discharged stay and
// its deficiencies, who owes what, signatures and drafts written here, physicians' leave, notices and suspensions. What
// is evidence (signatures, the deficiencies' history, notices, suspensions) is never removed.

/// <summary>What a rule checks. Stored as the constants' text.</summary>
public static class RuleKinds
{
    /// <summary>A document of one of the rule's LOINC types within a window around its anchor (H&amp;P, operative report, discharge summary, anesthesia evaluations, consent).</summary>
    public const string Document = "document";

    /// <summary>Every document of the stay authenticated, dated and timed by its author (42 CFR 482.24(c)(1)).</summary>
    public const string Authentication = "authentication";

    /// <summary>Verbal and telephone orders authenticated by the orderer within the configured hours (42 CFR 482.24(c)(2)).</summary>
    public const string OrderAuthentication = "order-authentication";

    /// <summary>The whole record complete within the configured days of discharge (42 CFR 482.24(c)(4)(viii); bylaws).</summary>
    public const string RecordComplete = "record-complete";

    public static readonly IReadOnlyList<string> All = [Document, Authentication, OrderAuthentication, RecordComplete];

    internal static readonly string Check = $"kind IN ({string.Join(", ", All.Select(k => $"'{k}'"))})";
}

/// <summary>What a document rule's window is measured from.</summary>
public static class RuleAnchors
{
    public const string Admission = "admission";
    public const string Discharge = "discharge";

    /// <summary>Each procedure of the rule's <see cref="CompletionRule.ProcedureFlag"/> (its start for "before", its end for "after").</summary>
    public const string Procedure = "procedure";

    public static readonly IReadOnlyList<string> All = [Admission, Discharge, Procedure];

    internal static readonly string Check = $"anchor IS NULL OR anchor IN ({string.Join(", ", All.Select(k => $"'{k}'"))})";
}

/// <summary>Which procedures a rule is about: a flag of <see cref="ProcedureKind"/>.</summary>
public static class ProcedureFlags
{
    public const string Surgery = "surgery";
    public const string Anesthesia = "anesthesia";
    public const string Consent = "consent";

    public static readonly IReadOnlyList<string> All = [Surgery, Anesthesia, Consent];

    internal static readonly string Check = $"procedure_flag IS NULL OR procedure_flag IN ({string.Join(", ", All.Select(k => $"'{k}'"))})";
}

/// <summary>Who owes what a rule asks: by the role in the stay, never by the order of a list.</summary>
public static class ResponsibleRoles
{
    /// <summary>The admitting physician (participant type ADM), else the attending (ATND): the H&amp;P.</summary>
    public const string AdmittingOrAttending = "admitting-or-attending";

    /// <summary>The procedure's primary performer (Procedure.performer, function PPRF): the operative report.</summary>
    public const string PrimaryPerformer = "primary-performer";

    /// <summary>The discharger (DIS), else the attending (ATND), else the primary performer (PPRF) where that is all the source gives: the discharge summary.</summary>
    public const string DischargingAttending = "discharging-attending";

    /// <summary>The document's author: its signature.</summary>
    public const string Author = "author";

    /// <summary>The order's requester: its authentication.</summary>
    public const string Orderer = "orderer";

    public static readonly IReadOnlyList<string> All = [AdmittingOrAttending, PrimaryPerformer, DischargingAttending, Author, Orderer];

    internal static readonly string Check = $"responsible IN ({string.Join(", ", All.Select(k => $"'{k}'"))})";
}

/// <summary>
/// One of the medical staff's rules, named, cited and configurable by HIM managers, for some encounter classes
/// (FHIR v3 ActCode: IMP inpatient, OBSENC observation, EMER emergency, SS short stay / day surgery, AMB) and facilities.
/// </summary>
public sealed class CompletionRule
{
    public Guid Id { get; set; }

    /// <summary>A stable short name ("hp-24h"), what the CLI and tests name the rule by.</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    /// <summary>The rule's source: "42 CFR 482.22(c)(5)", "Medical staff bylaws art. 7".</summary>
    public required string Citation { get; set; }

    /// <summary><see cref="RuleKinds"/>.</summary>
    public required string Kind { get; set; }

    public bool Enabled { get; set; } = true;

    /// <summary>The encounter classes it applies to (v3 ActCode); empty = none.</summary>
    public string[] EncounterClasses { get; set; } = [];

    /// <summary>The facilities (the encounter's service provider, clinical.organizations) it applies to; empty = every facility.</summary>
    public Guid[] FacilityIds { get; set; } = [];

    /// <summary>Document rules: the LOINC document types that satisfy it (any one).</summary>
    public string[] DocumentTypes { get; set; } = [];

    /// <summary>Document rules: <see cref="RuleAnchors"/>.</summary>
    public string? Anchor { get; set; }

    /// <summary>Document rules: the window's start in hours from the anchor (negative = before it; -720 = 30 days before admission).</summary>
    public int? WindowStartHours { get; set; }

    /// <summary>Document rules: the window's end in hours from the anchor (24 = within 24 h after). The deficiency is due then.</summary>
    public int? WindowEndHours { get; set; }

    /// <summary>
    /// Document rules: a document found before the anchor (the H&amp;P up to 30 days before admission) needs one of these
    /// types (an update note) within <see cref="UpdateWithinHours"/> after the anchor (42 CFR 482.22(c)(5)(ii)).
    /// </summary>
    public string[] UpdateNoteTypes { get; set; } = [];

    public int? UpdateWithinHours { get; set; }

    /// <summary>Document rules anchored at admission: the document must also precede the stay's first procedure with this flag (the H&amp;P before surgery).</summary>
    public string? BeforeProcedureFlag { get; set; }

    /// <summary>Procedure-anchored rules: which procedures (a flag of <see cref="ProcedureKind"/>) trigger it.</summary>
    public string? ProcedureFlag { get; set; }

    /// <summary><see cref="ResponsibleRoles"/>.</summary>
    public required string Responsible { get; set; }

    /// <summary>Authentication and order rules: hours after the entry (or order) within which it must be signed; record-complete: days after discharge (in <see cref="DueDays"/>).</summary>
    public int? DueHours { get; set; }

    /// <summary>Record-complete rules: days after discharge (default 30).</summary>
    public int? DueDays { get; set; }

    public string? Description { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public Guid? UpdatedBy { get; set; }

    public uint Version { get; set; }
}

/// <summary>The department's chart-completion settings (singleton, id 1, seeded).</summary>
public sealed class CompletionSettings
{
    public int Id { get; set; } = 1;

    /// <summary>Stays discharged before this day are not analysed (the go-live).</summary>
    public DateOnly GoLive { get; set; } = new(2026, 1, 1);

    /// <summary>Notices to the responsible physician this many days before a record becomes delinquent.</summary>
    public int[] NoticeDaysBefore { get; set; } = [7, 3, 1];

    /// <summary>Days after delinquency when the department chief is told.</summary>
    public int EscalateAfterDays { get; set; }

    /// <summary>A physician whose delinquent records are older than this many days (past delinquency) is suspended (bylaws).</summary>
    public int SuspendAfterDays { get; set; } = 7;

    /// <summary>Whether a physician's recorded leave pauses their deadlines (bylaws).</summary>
    public bool LeavePausesDeadlines { get; set; } = true;

    public DateTimeOffset UpdatedAt { get; set; }

    public Guid? UpdatedBy { get; set; }

    public uint Version { get; set; }
}

/// <summary>How a source marks an order as verbal or telephone: a "system|code" of MedicationRequest.ModeCodes mapped to a mode.</summary>
public sealed class OrderModeMapping
{
    public Guid Id { get; set; }

    public required string System { get; set; }

    public required string Code { get; set; }

    /// <summary>"verbal" or "telephone".</summary>
    public required string Mode { get; set; }

    public uint Version { get; set; }
}

/// <summary>What a procedure code means for the rules: surgery (operative report, H&amp;P before), anesthesia (evaluations), consent.</summary>
public sealed class ProcedureKind
{
    public required string System { get; set; }

    public required string Code { get; set; }

    public required string Display { get; set; }

    public bool Surgery { get; set; }

    public bool Anesthesia { get; set; }

    public bool Consent { get; set; }

    public uint Version { get; set; }
}

/// <summary>Where a stay is in chart completion.</summary>
public static class StayStatuses
{
    /// <summary>Something is open.</summary>
    public const string Incomplete = "incomplete";

    /// <summary>Nothing open; HIM has not yet marked it complete.</summary>
    public const string ReadyToComplete = "ready";

    /// <summary>Marked complete by HIM (or by the analysis when configured to).</summary>
    public const string Complete = "complete";

    public static readonly IReadOnlyList<string> All = [Incomplete, ReadyToComplete, Complete];

    internal static readonly string Check = $"status IN ({string.Join(", ", All.Select(k => $"'{k}'"))})";
}

/// <summary>A discharged stay the analysis looked at (one per encounter).</summary>
public sealed class Stay
{
    /// <summary>The encounter (clinical.encounters).</summary>
    public Guid EncounterId { get; set; }

    public Guid PatientId { get; set; }

    public required string EncounterClass { get; set; }

    /// <summary>The encounter's service provider (facility), if any.</summary>
    public Guid? FacilityId { get; set; }

    public DateTimeOffset? AdmittedAt { get; set; }

    public DateTimeOffset DischargedAt { get; set; }

    /// <summary><see cref="StayStatuses"/>.</summary>
    public required string Status { get; set; }

    public int OpenDeficiencies { get; set; }

    /// <summary>When the record becomes delinquent if still incomplete: discharge + the days of the record-complete rule for its class and facility (default 30), + the responsible physicians' leave where it pauses deadlines.</summary>
    public DateTimeOffset DelinquentAt { get; set; }

    public DateTimeOffset AnalysedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public Guid? CompletedBy { get; set; }

    public uint Version { get; set; }
}

/// <summary>Where a deficiency is.</summary>
public static class DeficiencyStatuses
{
    public const string Open = "open";
    public const string Resolved = "resolved";

    public static readonly IReadOnlyList<string> All = [Open, Resolved];

    internal static readonly string Check = $"status IN ({string.Join(", ", All.Select(k => $"'{k}'"))})";
}

/// <summary>What is wrong.</summary>
public static class DeficiencyKinds
{
    public const string MissingDocument = "missing-document";
    public const string LateDocument = "late-document";
    public const string MissingUpdateNote = "missing-update-note";
    public const string Signature = "signature";
    public const string OrderAuthentication = "order-authentication";
    public const string Manual = "manual";

    public static readonly IReadOnlyList<string> All = [MissingDocument, LateDocument, MissingUpdateNote, Signature, OrderAuthentication, Manual];

    internal static readonly string Check = $"kind IN ({string.Join(", ", All.Select(k => $"'{k}'"))})";
}

/// <summary>
/// One thing a stay's record lacks, owed by one practitioner (or unassigned: the HIM queue). The analysis creates, keeps
/// or resolves its own deficiencies by <see cref="Key"/>; HIM adds manual ones; nothing is deleted.
/// </summary>
public sealed class Deficiency
{
    public Guid Id { get; set; }

    public Guid EncounterId { get; set; }

    public Guid PatientId { get; set; }

    /// <summary>The rule that found it; null for a manual deficiency.</summary>
    public Guid? RuleId { get; set; }

    /// <summary>What the analysis knows it by within the stay: rule code plus document, procedure or order ("op-report:&lt;procedure id&gt;").</summary>
    public required string Key { get; set; }

    /// <summary><see cref="DeficiencyKinds"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>The rule's name or the analyst's text, as shown in the inbox.</summary>
    public required string Description { get; set; }

    /// <summary>The LOINC type owed (missing documents).</summary>
    public string? DocumentType { get; set; }

    /// <summary>The document concerned (clinical.clinical_notes), for a signature or a late document.</summary>
    public Guid? DocumentId { get; set; }

    /// <summary>The order concerned (clinical.medication_requests).</summary>
    public Guid? OrderId { get; set; }

    /// <summary>The procedure concerned (clinical.procedures).</summary>
    public Guid? ProcedureId { get; set; }

    /// <summary>Who owes it; null = the HIM queue (undecidable, refused, or a practitioner without an account).</summary>
    public Guid? ResponsiblePractitionerId { get; set; }

    /// <summary>HIM assigned it by hand: the analysis keeps the assignment.</summary>
    public bool AssignedByHim { get; set; }

    /// <summary><see cref="DeficiencyStatuses"/>.</summary>
    public required string Status { get; set; }

    /// <summary>The stay's discharge (denormalised: the inbox's order, oldest first).</summary>
    public DateTimeOffset DischargedAt { get; set; }

    public DateTimeOffset DueAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Why it was refused by the physician ("not my patient: …"), until HIM reassigns it.</summary>
    public string? RefusalReason { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>How it was resolved: satisfied (the analysis found it done), signed, written, cleared (HIM), no-longer-applies.</summary>
    public string? Resolution { get; set; }

    public Guid? ResolvedBy { get; set; }

    public uint Version { get; set; }
}

/// <summary>A deficiency's history (append-only): created, assigned, refused, reassigned, resolved, reopened, notice.</summary>
public sealed class DeficiencyEvent
{
    public long Id { get; set; }

    public Guid DeficiencyId { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Kind { get; set; }

    public Guid? ByUserId { get; set; }

    public Guid? PractitionerId { get; set; }

    public string? Note { get; set; }
}

/// <summary>How a signer proved it was them, now.</summary>
public static class SignatureMethods
{
    public const string Password = "password";
    public const string Totp = "totp";
    public const string IdentityProvider = "identity-provider";

    public static readonly IReadOnlyList<string> All = [Password, Totp, IdentityProvider];

    internal static readonly string Check = $"method IN ({string.Join(", ", All.Select(k => $"'{k}'"))})";
}

/// <summary>
/// A signature given in HimPortal (append-only): who, when, how they re-authenticated, the attestation they agreed to,
/// and the SHA-256 of exactly what they signed. A signed document is never edited again (a trigger holds it).
/// </summary>
public sealed class Signature
{
    public Guid Id { get; set; }

    /// <summary>"DocumentReference" (clinical.clinical_notes) or "MedicationRequest" (an order).</summary>
    public required string ResourceType { get; set; }

    public Guid ResourceId { get; set; }

    public Guid PatientId { get; set; }

    public Guid? EncounterId { get; set; }

    public Guid SignerUserId { get; set; }

    public Guid PractitionerId { get; set; }

    public DateTimeOffset SignedAt { get; set; }

    /// <summary><see cref="SignatureMethods"/>.</summary>
    public required string Method { get; set; }

    public required string Attestation { get; set; }

    /// <summary>SHA-256 of the signed content (<see cref="ContentDescription"/> says what was hashed).</summary>
    public required byte[] Sha256 { get; set; }

    /// <summary>What the hash covers: "text/plain UTF-8 of the note", "page images in order", "order JSON".</summary>
    public required string ContentDescription { get; set; }
}

/// <summary>A document a physician writes in HimPortal, before it is signed (then it becomes a DocumentReference through the clinical-record writer).</summary>
public sealed class DocumentDraft
{
    public Guid Id { get; set; }

    public Guid PatientId { get; set; }

    public Guid EncounterId { get; set; }

    /// <summary>The deficiency it answers, if any.</summary>
    public Guid? DeficiencyId { get; set; }

    public Guid AuthorUserId { get; set; }

    public Guid AuthorPractitionerId { get; set; }

    /// <summary>LOINC document type (18842-5 discharge summary, 34117-2 H&amp;P, 11504-8 operative report, or the addendum's original's type).</summary>
    public required string TypeCode { get; set; }

    public required string TypeDisplay { get; set; }

    public required string Text { get; set; }

    /// <summary>An addendum: the signed document it appends to (clinical.clinical_notes).</summary>
    public Guid? AddendumToId { get; set; }

    /// <summary>"draft", "signed" or "discarded".</summary>
    public required string Status { get; set; }

    /// <summary>The DocumentReference written when signed.</summary>
    public Guid? SignedDocumentId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public uint Version { get; set; }
}

/// <summary>A physician's recorded leave: their deadlines pause while it lasts (when the settings say so).</summary>
public sealed class PhysicianLeave
{
    public Guid Id { get; set; }

    public Guid PractitionerId { get; set; }

    public DateOnly From { get; set; }

    public DateOnly Until { get; set; }

    public required string Reason { get; set; }

    public Guid RecordedBy { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    public uint Version { get; set; }
}

/// <summary>A department of the medical staff, its chief (escalations go to them) and its physicians (the numbers by department).</summary>
public sealed class Department
{
    public Guid Id { get; set; }

    public required string Name { get; set; }

    public Guid? ChiefPractitionerId { get; set; }

    public uint Version { get; set; }
}

/// <summary>Which department a physician belongs to (one).</summary>
public sealed class DepartmentMember
{
    public Guid PractitionerId { get; set; }

    public Guid DepartmentId { get; set; }
}

/// <summary>What a notice is.</summary>
public static class NoticeKinds
{
    /// <summary>N days before the record becomes delinquent.</summary>
    public const string Reminder = "reminder";

    public const string Delinquent = "delinquent";

    /// <summary>To the department chief.</summary>
    public const string Escalation = "escalation";

    public const string Suspension = "suspension";

    public static readonly IReadOnlyList<string> All = [Reminder, Delinquent, Escalation, Suspension];

    internal static readonly string Check = $"kind IN ({string.Join(", ", All.Select(k => $"'{k}'"))})";
}

/// <summary>A notice sent to a physician (in the app and as a PDF letter naming each deficiency). Never removed.</summary>
public sealed class CompletionNotice
{
    public Guid Id { get; set; }

    /// <summary>To whom (the responsible physician, or the chief for an escalation).</summary>
    public Guid PractitionerId { get; set; }

    /// <summary>About whom (the responsible physician; the same as <see cref="PractitionerId"/> except for an escalation).</summary>
    public Guid AboutPractitionerId { get; set; }

    /// <summary><see cref="NoticeKinds"/>.</summary>
    public required string Kind { get; set; }

    /// <summary>What makes it unique: "reminder:7:&lt;encounter&gt;", so the daily job sends each once.</summary>
    public required string Key { get; set; }

    public DateTimeOffset SentAt { get; set; }

    public required string Subject { get; set; }

    /// <summary>The deficiencies it names.</summary>
    public Guid[] DeficiencyIds { get; set; } = [];

    /// <summary>The letter (PDF) in the document store, and its SHA-256.</summary>
    public Guid? LetterObjectId { get; set; }

    public byte[]? LetterSha256 { get; set; }

    public int? LetterPages { get; set; }

    /// <summary>When the physician saw it in the app.</summary>
    public DateTimeOffset? ReadAt { get; set; }
}

/// <summary>A physician's suspension for delinquent records (bylaws): when it started and ended. Never removed.</summary>
public sealed class Suspension
{
    public Guid Id { get; set; }

    public Guid PractitionerId { get; set; }

    public DateTimeOffset StartedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    public required string Reason { get; set; }

    public int DelinquentRecordsAtStart { get; set; }

    public uint Version { get; set; }
}

/// <summary>
/// A stay waiting for (re-)analysis: the clinical-record writer adds one in the transaction that discharged the
/// encounter or wrote a document or order for it; the analysis job takes them in batches.
/// </summary>
public sealed class AnalysisQueueEntry
{
    public Guid EncounterId { get; set; }

    public DateTimeOffset QueuedAt { get; set; }
}

internal sealed class CompletionRuleConfiguration : IEntityTypeConfiguration<CompletionRule>
{
    public void Configure(EntityTypeBuilder<CompletionRule> builder)
    {
        builder.ToTable("rules", Schemas.Completion, t =>
        {
            t.HasCheckConstraint("ck_rules_kind", RuleKinds.Check);
            t.HasCheckConstraint("ck_rules_anchor", RuleAnchors.Check);
            t.HasCheckConstraint("ck_rules_procedure_flag", ProcedureFlags.Check);
            t.HasCheckConstraint("ck_rules_responsible", ResponsibleRoles.Check);
            t.HasCheckConstraint("ck_rules_window", "window_start_hours IS NULL OR window_end_hours IS NULL OR window_start_hours <= window_end_hours");
            t.HasCheckConstraint("ck_rules_due", "(due_hours IS NULL OR due_hours > 0) AND (due_days IS NULL OR due_days > 0)");
        });
        builder.HasKey(r => r.Id);
        builder.HasIndex(r => r.Code).IsUnique();
        builder.Property(r => r.Code).HasMaxLength(64);
        builder.Property(r => r.Name).HasMaxLength(200);
        builder.Property(r => r.Citation).HasMaxLength(200);
        builder.Property(r => r.Kind).HasMaxLength(32);
        builder.Property(r => r.Anchor).HasMaxLength(16);
        builder.Property(r => r.ProcedureFlag).HasMaxLength(16);
        builder.Property(r => r.BeforeProcedureFlag).HasMaxLength(16);
        builder.Property(r => r.Responsible).HasMaxLength(32);
        builder.Property(r => r.Description).HasMaxLength(1000);
        builder.Property(r => r.Version).IsRowVersion();
        builder.HasData(CompletionRuleSeed.Rules);
    }
}

internal sealed class CompletionSettingsConfiguration : IEntityTypeConfiguration<CompletionSettings>
{
    public void Configure(EntityTypeBuilder<CompletionSettings> builder)
    {
        builder.ToTable("settings", Schemas.Completion, t =>
        {
            t.HasCheckConstraint("ck_settings_singleton", "id = 1");
            t.HasCheckConstraint("ck_settings_days", "escalate_after_days >= 0 AND suspend_after_days >= 0");
        });
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.Version).IsRowVersion();
        builder.HasData(new CompletionSettings { UpdatedAt = new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero) });
    }
}

internal sealed class OrderModeMappingConfiguration : IEntityTypeConfiguration<OrderModeMapping>
{
    public void Configure(EntityTypeBuilder<OrderModeMapping> builder)
    {
        builder.ToTable("order_modes", Schemas.Completion, t => t.HasCheckConstraint("ck_order_modes_mode", "mode IN ('verbal', 'telephone')"));
        builder.HasKey(m => m.Id);
        builder.HasIndex(m => new { m.System, m.Code }).IsUnique();
        builder.Property(m => m.System).HasMaxLength(200);
        builder.Property(m => m.Code).HasMaxLength(64);
        builder.Property(m => m.Mode).HasMaxLength(16);
        builder.Property(m => m.Version).IsRowVersion();
        // HL7 v3 ParticipationMode: how a source says an order was spoken or phoned in.
        builder.HasData(
            new OrderModeMapping { Id = new Guid("0b6f3c52-18a1-4c1e-9d0a-6a3c2f7e0001"), System = "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode", Code = "VERBAL", Mode = "verbal" },
            new OrderModeMapping { Id = new Guid("0b6f3c52-18a1-4c1e-9d0a-6a3c2f7e0002"), System = "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode", Code = "PHONE", Mode = "telephone" });
    }
}

internal sealed class ProcedureKindConfiguration : IEntityTypeConfiguration<ProcedureKind>
{
    public void Configure(EntityTypeBuilder<ProcedureKind> builder)
    {
        builder.ToTable("procedure_kinds", Schemas.Completion);
        builder.HasKey(p => new { p.System, p.Code });
        builder.Property(p => p.System).HasMaxLength(200);
        builder.Property(p => p.Code).HasMaxLength(64);
        builder.Property(p => p.Display).HasMaxLength(300);
        builder.Property(p => p.Version).IsRowVersion();
        builder.HasData(ProcedureKindSeed.Kinds);
    }
}

internal sealed class StayConfiguration : IEntityTypeConfiguration<Stay>
{
    public void Configure(EntityTypeBuilder<Stay> builder)
    {
        builder.ToTable("stays", Schemas.Completion, t => t.HasCheckConstraint("ck_stays_status", StayStatuses.Check));
        builder.HasKey(s => s.EncounterId);
        builder.Property(s => s.EncounterId).ValueGeneratedNever();
        builder.Property(s => s.EncounterClass).HasMaxLength(16);
        builder.Property(s => s.Status).HasMaxLength(16);
        builder.HasIndex(s => s.PatientId);
        builder.HasIndex(s => s.DischargedAt);
        // The incomplete records, by when they become delinquent: aging, notices and the numbers.
        builder.HasIndex(s => new { s.DelinquentAt, s.EncounterId }).HasFilter("status <> 'complete'").HasDatabaseName("ix_stays_open_delinquent_at");
        builder.HasOne<Encounter>().WithMany().HasForeignKey(s => s.EncounterId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(s => s.Version).IsRowVersion();
    }
}

internal sealed class DeficiencyConfiguration : IEntityTypeConfiguration<Deficiency>
{
    public void Configure(EntityTypeBuilder<Deficiency> builder)
    {
        builder.ToTable("deficiencies", Schemas.Completion, t =>
        {
            t.HasCheckConstraint("ck_deficiencies_status", DeficiencyStatuses.Check);
            t.HasCheckConstraint("ck_deficiencies_kind", DeficiencyKinds.Check);
        });
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Key).HasMaxLength(200);
        builder.Property(d => d.Kind).HasMaxLength(32);
        builder.Property(d => d.Description).HasMaxLength(500);
        builder.Property(d => d.DocumentType).HasMaxLength(32);
        builder.Property(d => d.Status).HasMaxLength(16);
        builder.Property(d => d.Resolution).HasMaxLength(32);
        builder.Property(d => d.RefusalReason).HasMaxLength(1000);
        builder.HasIndex(d => new { d.EncounterId, d.Key }).IsUnique();
        // The physician's inbox: their open deficiencies, oldest stay first (keyset on discharge, id).
        builder.HasIndex(d => new { d.ResponsiblePractitionerId, d.DischargedAt, d.Id }).HasFilter("status = 'open'").HasDatabaseName("ix_deficiencies_inbox");
        // The HIM queue: open and unassigned.
        builder.HasIndex(d => new { d.DischargedAt, d.Id }).HasFilter("status = 'open' AND responsible_practitioner_id IS NULL").HasDatabaseName("ix_deficiencies_unassigned");
        builder.HasIndex(d => d.PatientId);
        builder.HasOne<Stay>().WithMany().HasForeignKey(d => d.EncounterId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<CompletionRule>().WithMany().HasForeignKey(d => d.RuleId).OnDelete(DeleteBehavior.Restrict);
        builder.Property(d => d.Version).IsRowVersion();
    }
}

internal sealed class DeficiencyEventConfiguration : IEntityTypeConfiguration<DeficiencyEvent>
{
    public void Configure(EntityTypeBuilder<DeficiencyEvent> builder)
    {
        builder.ToTable("deficiency_events", Schemas.Completion);
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).UseIdentityAlwaysColumn();
        builder.Property(e => e.Kind).HasMaxLength(32);
        builder.Property(e => e.Note).HasMaxLength(1000);
        builder.HasIndex(e => new { e.DeficiencyId, e.At });
        builder.HasOne<Deficiency>().WithMany().HasForeignKey(e => e.DeficiencyId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SignatureConfiguration : IEntityTypeConfiguration<Signature>
{
    public void Configure(EntityTypeBuilder<Signature> builder)
    {
        builder.ToTable("signatures", Schemas.Completion, t =>
        {
            t.HasCheckConstraint("ck_signatures_method", SignatureMethods.Check);
            t.HasCheckConstraint("ck_signatures_sha256", "length(sha256) = 32");
        });
        builder.HasKey(s => s.Id);
        builder.Property(s => s.ResourceType).HasMaxLength(32);
        builder.Property(s => s.Method).HasMaxLength(32);
        builder.Property(s => s.Attestation).HasMaxLength(1000);
        builder.Property(s => s.ContentDescription).HasMaxLength(200);
        builder.HasIndex(s => new { s.ResourceType, s.ResourceId });
        builder.HasIndex(s => new { s.SignerUserId, s.SignedAt });
    }
}

internal sealed class DocumentDraftConfiguration : IEntityTypeConfiguration<DocumentDraft>
{
    public void Configure(EntityTypeBuilder<DocumentDraft> builder)
    {
        builder.ToTable("drafts", Schemas.Completion, t => t.HasCheckConstraint("ck_drafts_status", "status IN ('draft', 'signed', 'discarded')"));
        builder.HasKey(d => d.Id);
        builder.Property(d => d.TypeCode).HasMaxLength(32);
        builder.Property(d => d.TypeDisplay).HasMaxLength(200);
        builder.Property(d => d.Status).HasMaxLength(16);
        builder.HasIndex(d => new { d.AuthorUserId, d.Status });
        builder.HasIndex(d => d.EncounterId);
        builder.Property(d => d.Version).IsRowVersion();
    }
}

internal sealed class PhysicianLeaveConfiguration : IEntityTypeConfiguration<PhysicianLeave>
{
    public void Configure(EntityTypeBuilder<PhysicianLeave> builder)
    {
        builder.ToTable("leaves", Schemas.Completion, t => t.HasCheckConstraint("ck_leaves_period", "\"from\" <= until"));
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Reason).HasMaxLength(500);
        builder.HasIndex(l => new { l.PractitionerId, l.From });
        builder.Property(l => l.Version).IsRowVersion();
    }
}

internal sealed class DepartmentConfiguration : IEntityTypeConfiguration<Department>
{
    public void Configure(EntityTypeBuilder<Department> builder)
    {
        builder.ToTable("departments", Schemas.Completion);
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Name).HasMaxLength(200);
        builder.HasIndex(d => d.Name).IsUnique();
        builder.Property(d => d.Version).IsRowVersion();
    }
}

internal sealed class DepartmentMemberConfiguration : IEntityTypeConfiguration<DepartmentMember>
{
    public void Configure(EntityTypeBuilder<DepartmentMember> builder)
    {
        builder.ToTable("department_members", Schemas.Completion);
        builder.HasKey(m => m.PractitionerId);
        builder.Property(m => m.PractitionerId).ValueGeneratedNever();
        builder.HasIndex(m => m.DepartmentId);
        builder.HasOne<Department>().WithMany().HasForeignKey(m => m.DepartmentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CompletionNoticeConfiguration : IEntityTypeConfiguration<CompletionNotice>
{
    public void Configure(EntityTypeBuilder<CompletionNotice> builder)
    {
        builder.ToTable("notices", Schemas.Completion, t => t.HasCheckConstraint("ck_notices_kind", NoticeKinds.Check));
        builder.HasKey(n => n.Id);
        builder.Property(n => n.Kind).HasMaxLength(16);
        builder.Property(n => n.Key).HasMaxLength(200);
        builder.Property(n => n.Subject).HasMaxLength(300);
        builder.HasIndex(n => n.Key).IsUnique();
        builder.HasIndex(n => new { n.PractitionerId, n.SentAt });
    }
}

internal sealed class SuspensionConfiguration : IEntityTypeConfiguration<Suspension>
{
    public void Configure(EntityTypeBuilder<Suspension> builder)
    {
        builder.ToTable("suspensions", Schemas.Completion);
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Reason).HasMaxLength(500);
        builder.HasIndex(s => new { s.PractitionerId, s.StartedAt });
        // At most one suspension in force per physician.
        builder.HasIndex(s => s.PractitionerId).IsUnique().HasFilter("ended_at IS NULL").HasDatabaseName("ux_suspensions_in_force");
        builder.Property(s => s.Version).IsRowVersion();
    }
}

internal sealed class AnalysisQueueEntryConfiguration : IEntityTypeConfiguration<AnalysisQueueEntry>
{
    public void Configure(EntityTypeBuilder<AnalysisQueueEntry> builder)
    {
        builder.ToTable("analysis_queue", Schemas.Completion);
        builder.HasKey(q => q.EncounterId);
        builder.Property(q => q.EncounterId).ValueGeneratedNever();
        builder.HasIndex(q => q.QueuedAt);
    }
}
