using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Portal;

// The patient portal (issue 19, ADR 0040). One schema, `portal`: the hospital's portal settings, activation codes, personal
// representatives' proxy access, information-blocking holds, the patient's flags on accesses to their chart, and
// requests to amend the record (45 CFR 164.526). A portal account is an identity.users row with the Patient role whose
// PatientMrn names one record of the person (all linked records are theirs), or a representative's account that reaches
// a person through a ProxyGrant. What is evidence (codes used, grants, holds, flags, amendments and their history) is
// never removed.

/// <summary>Whether a portal account must sign in with an authenticator app. Stored as the constants' text.</summary>
public static class SecondFactorPolicies
{
    public const string Required = "required";
    public const string Optional = "optional";

    public static readonly IReadOnlyList<string> All = [Required, Optional];

    internal static readonly string Check = $"second_factor IN ({string.Join(", ", All.Select(k => $"'{k}'"))})";
}

/// <summary>The hospital's portal configuration: one row (id 1), edited by the HIM manager.</summary>
public sealed class PortalSettings
{
    public int Id { get; set; }

    /// <summary>Days an activation code stays valid after its letter is issued.</summary>
    public int ActivationCodeDays { get; set; } = 30;

    /// <summary>Wrong answers (birth date, family name) before a code locks; a locked code needs a new letter.</summary>
    public int ActivationMaxAttempts { get; set; } = 5;

    /// <summary><see cref="SecondFactorPolicies"/>.</summary>
    public string SecondFactor { get; set; } = SecondFactorPolicies.Required;

    /// <summary>"Who looked at my chart" names the staff member; when false it shows only their role and department.</summary>
    public bool ShowStaffNames { get; set; } = true;

    /// <summary>A parent's proxy access to a minor ends at this age, unless staff set another end date.</summary>
    public int ProxyEndsAtAge { get; set; } = 18;

    /// <summary>Care a minor lawfully consented to alone is hidden from a parent's proxy (45 CFR 164.502(g)(3); state law).</summary>
    public bool HideMinorConsentedCareFromProxy { get; set; } = true;

    /// <summary>Days to act on a request for amendment (164.526(b)(2)), and the one extension with a written notice.</summary>
    public int AmendmentDueDays { get; set; } = 60;

    public int AmendmentExtensionDays { get; set; } = 30;

    public DateTimeOffset UpdatedAt { get; set; }

    public Guid? UpdatedByUserId { get; set; }

    public uint Version { get; set; }
}

/// <summary>
/// A one-time activation code from a printed letter. Only the code's SHA-256 is stored; the code itself is printed once.
/// It expires, works once, and locks after <see cref="PortalSettings.ActivationMaxAttempts"/> wrong answers.
/// </summary>
public sealed class ActivationCode
{
    public Guid Id { get; set; }

    /// <summary>The record the letter is for (the person's, all linked records included); for a proxy letter, the represented person's.</summary>
    public Guid PatientId { get; set; }

    /// <summary>A representative's letter: the grant whose representative activates (their own birth date and family name are checked).</summary>
    public Guid? ProxyGrantId { get; set; }

    public required byte[] CodeHash { get; set; }

    public DateTimeOffset IssuedAt { get; set; }

    public Guid IssuedByUserId { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public int FailedAttempts { get; set; }

    public DateTimeOffset? LockedAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }

    /// <summary>The account created (or linked) with it.</summary>
    public Guid? UserId { get; set; }

    /// <summary>A newer letter for the same person and purpose revokes the older code.</summary>
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>The letter (PDF) in the document store.</summary>
    public Guid? LetterObjectId { get; set; }

    public uint Version { get; set; }
}

/// <summary>What a personal representative is to the person (45 CFR 164.502(g)). Stored as the constants' text.</summary>
public static class ProxyRelationships
{
    /// <summary>A parent (or one acting in loco parentis) of an unemancipated minor (164.502(g)(3)).</summary>
    public const string Parent = "parent";

    /// <summary>A court-appointed guardian.</summary>
    public const string Guardian = "guardian";

    /// <summary>A health-care power of attorney or another with authority under law to act for the adult (164.502(g)(2)).</summary>
    public const string HealthCareAgent = "health-care-agent";

    public static readonly IReadOnlyList<string> All = [Parent, Guardian, HealthCareAgent];

    internal static readonly string Check = $"relationship IN ({string.Join(", ", All.Select(k => $"'{k}'"))})";
}

/// <summary>
/// A personal representative's access to another person's portal, set up by HIM staff with the document that proves the
/// authority. It ends on <see cref="EndsOn"/> (a minor's 18th birthday by default) or when revoked. Never removed.
/// </summary>
public sealed class ProxyGrant
{
    public Guid Id { get; set; }

    /// <summary>The represented person's record (all linked records are reached).</summary>
    public Guid PatientId { get; set; }

    /// <summary>The representative's portal account, once they activate their letter.</summary>
    public Guid? RepresentativeUserId { get; set; }

    public required string RepresentativeName { get; set; }

    /// <summary>What the representative answers at activation, with their own birth date.</summary>
    public required string RepresentativeFamilyName { get; set; }

    public DateOnly RepresentativeBirthDate { get; set; }

    /// <summary><see cref="ProxyRelationships"/>.</summary>
    public required string Relationship { get; set; }

    /// <summary>The document that proves the authority, in words ("birth certificate", "letters of guardianship, case 2026-GD-114").</summary>
    public required string AuthorityDocument { get; set; }

    /// <summary>Its scan in the document store, when one was uploaded.</summary>
    public Guid? AuthorityObjectId { get; set; }

    public byte[]? AuthoritySha256 { get; set; }

    public DateOnly StartsOn { get; set; }

    /// <summary>The last day of access (null: until revoked).</summary>
    public DateOnly? EndsOn { get; set; }

    /// <summary>Items labelled as care the minor consented to are hidden from this representative (164.502(g)(3)).</summary>
    public bool HideMinorConsentedCare { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public Guid CreatedByUserId { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public Guid? RevokedByUserId { get; set; }

    public string? RevokeReason { get; set; }

    public uint Version { get; set; }
}

/// <summary>The exceptions of the information-blocking rule a hold may rest on (45 CFR 171 subpart B). Stored as the constants' text.</summary>
public static class HoldExceptions
{
    /// <summary>171.201: a licensed professional's individual determination that access would endanger life or physical safety.</summary>
    public const string PreventingHarm = "preventing-harm";

    /// <summary>171.202: privacy (for example the individual's own request not to have it shared, or a representative's access under state law).</summary>
    public const string Privacy = "privacy";

    /// <summary>171.203: security.</summary>
    public const string Security = "security";

    /// <summary>171.204: infeasibility.</summary>
    public const string Infeasibility = "infeasibility";

    public static readonly IReadOnlyList<string> All = [PreventingHarm, Privacy, Security, Infeasibility];

    internal static readonly string Check = $"exception IN ({string.Join(", ", All.Select(k => $"'{k}'"))})";
}

/// <summary>
/// One item held back from the portal under an exception of the information-blocking rule, with its reason recorded.
/// Everything else is shown without waiting for a release (45 CFR 171.103). Lifted, never removed.
/// </summary>
public sealed class InformationBlockingHold
{
    public Guid Id { get; set; }

    public Guid PatientId { get; set; }

    /// <summary>The item, named as sensitivity labels name it (FHIR resource type and this database's key).</summary>
    public required string ResourceType { get; set; }

    public Guid ResourceId { get; set; }

    /// <summary><see cref="HoldExceptions"/>.</summary>
    public required string Exception { get; set; }

    public required string Reason { get; set; }

    public DateTimeOffset PlacedAt { get; set; }

    public Guid PlacedByUserId { get; set; }

    /// <summary>When the hold is to be reviewed again (a preventing-harm determination is not forever).</summary>
    public DateOnly? ReviewOn { get; set; }

    public DateTimeOffset? LiftedAt { get; set; }

    public Guid? LiftedByUserId { get; set; }

    public uint Version { get; set; }
}

/// <summary>A patient's "I do not recognise this" on one access to their chart: it opens a privacy alert for compliance.</summary>
public sealed class AccessFlag
{
    /// <summary>The rule code of the privacy alert a flag opens (compliance.alerts.rule_code); its dedupe key is this code and the audit row's id.</summary>
    public const string AlertRuleCode = "patient-flag";

    public Guid Id { get; set; }

    /// <summary>The access-audit row flagged (audit.access_events id, a Guid like every audit row's).</summary>
    public Guid AuditEventId { get; set; }

    public Guid PatientId { get; set; }

    public Guid FlaggedByUserId { get; set; }

    public DateTimeOffset FlaggedAt { get; set; }

    public string? Comment { get; set; }

    /// <summary>The privacy alert it opened (compliance.privacy_alerts).</summary>
    public Guid PrivacyAlertId { get; set; }
}

/// <summary>Where a request for amendment is (45 CFR 164.526). Stored as the constants' text.</summary>
public static class AmendmentStatuses
{
    /// <summary>Received from the portal; HIM routes it to the item's author.</summary>
    public const string Received = "received";

    /// <summary>In the author's inbox.</summary>
    public const string Routed = "routed";

    /// <summary>Accepted: the amendment is appended and linked to the item (164.526(c)).</summary>
    public const string Accepted = "accepted";

    /// <summary>Denied in writing with the reason (164.526(d)).</summary>
    public const string Denied = "denied";

    public static readonly IReadOnlyList<string> All = [Received, Routed, Accepted, Denied];

    internal static readonly string Check = $"status IN ({string.Join(", ", All.Select(k => $"'{k}'"))})";
}

/// <summary>The only grounds on which a request for amendment may be denied (45 CFR 164.526(a)(2)). Stored as the constants' text.</summary>
public static class AmendmentDenialGrounds
{
    /// <summary>(a)(2)(i): not created by the hospital (unless its originator is no longer available to act on it).</summary>
    public const string NotCreatedHere = "not-created-here";

    /// <summary>(a)(2)(ii): not part of the designated record set.</summary>
    public const string NotInRecordSet = "not-in-record-set";

    /// <summary>(a)(2)(iii): not available for inspection under 164.524.</summary>
    public const string NotAvailableForInspection = "not-available-for-inspection";

    /// <summary>(a)(2)(iv): accurate and complete.</summary>
    public const string AccurateAndComplete = "accurate-and-complete";

    public static readonly IReadOnlyList<string> All = [NotCreatedHere, NotInRecordSet, NotAvailableForInspection, AccurateAndComplete];

    internal static readonly string Check = $"denial_ground IS NULL OR denial_ground IN ({string.Join(", ", All.Select(k => $"'{k}'"))})";
}

/// <summary>
/// A request to amend one item or document of the record (45 CFR 164.526), from the portal: routed by HIM to the item's
/// author, answered from the physician's inbox within 60 days (one 30-day extension with a written notice). Never removed.
/// </summary>
public sealed class AmendmentRequest
{
    public Guid Id { get; set; }

    /// <summary>The request number, from an identity column ("AMD-000042").</summary>
    public long Number { get; set; }

    /// <summary>The record that holds the item.</summary>
    public Guid PatientId { get; set; }

    /// <summary>The portal account that asked (the patient, or a representative through <see cref="ProxyGrantId"/>).</summary>
    public Guid RequestedByUserId { get; set; }

    public Guid? ProxyGrantId { get; set; }

    /// <summary>The item, named as sensitivity labels name it (FHIR resource type and this database's key).</summary>
    public required string ResourceType { get; set; }

    public Guid ResourceId { get; set; }

    /// <summary>The item as the patient saw it (its title and date), kept as asked.</summary>
    public required string ItemDescription { get; set; }

    public required string RequestedChange { get; set; }

    /// <summary>The reason the patient gives (164.526(b)(1) lets the hospital require one).</summary>
    public required string Reason { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>The instant the time to act ends, extension included.</summary>
    public DateTimeOffset DueAt { get; set; }

    /// <summary>The extension notice (164.526(b)(2)(ii)): when, and its reason; at most one.</summary>
    public DateTimeOffset? ExtendedAt { get; set; }

    public string? ExtensionReason { get; set; }

    /// <summary><see cref="AmendmentStatuses"/>.</summary>
    public required string Status { get; set; }

    /// <summary>The author it is routed to (clinical.practitioners).</summary>
    public Guid? AuthorPractitionerId { get; set; }

    public DateTimeOffset? RoutedAt { get; set; }

    public Guid? RoutedByUserId { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public Guid? DecidedByUserId { get; set; }

    /// <summary><see cref="AmendmentDenialGrounds"/>.</summary>
    public string? DenialGround { get; set; }

    /// <summary>The denial's reason in plain words, as the letter gives it (164.526(d)(1)(i)).</summary>
    public string? DenialExplanation { get; set; }

    /// <summary>The accepted amendment: the DocumentReference appended to the record (clinical.clinical_notes), linked to the item.</summary>
    public Guid? AmendmentDocumentId { get; set; }

    /// <summary>The denial letter (PDF) in the document store.</summary>
    public Guid? DenialLetterObjectId { get; set; }

    /// <summary>The patient's statement of disagreement (164.526(d)(1)(ii)); linked to the item and included in its later disclosures.</summary>
    public string? DisagreementText { get; set; }

    public DateTimeOffset? DisagreementAt { get; set; }

    /// <summary>The hospital's rebuttal, when it writes one (164.526(d)(3)); a copy goes to the patient.</summary>
    public string? RebuttalText { get; set; }

    public DateTimeOffset? RebuttalAt { get; set; }

    /// <summary>The written notice of the extension (164.526(b)(2)(ii)), as sent (PDF in the document store).</summary>
    public Guid? ExtensionLetterObjectId { get; set; }

    /// <summary>The copy of the rebuttal sent to the patient (164.526(d)(3)), as sent (PDF in the document store).</summary>
    public Guid? RebuttalLetterObjectId { get; set; }

    /// <summary>
    /// When the patient, filing no statement of disagreement, asked that the request and the denial go with every future
    /// disclosure of the item (164.526(d)(1)(iii), (d)(5)(ii)); release of information's packets honour it.
    /// </summary>
    public DateTimeOffset? IncludeWithDisclosuresAt { get; set; }

    public uint Version { get; set; }

    public string Display => $"AMD-{Number:D6}";
}

/// <summary>One step of a request for amendment's history. Append-only.</summary>
public sealed class AmendmentEvent
{
    public Guid Id { get; set; }

    public Guid AmendmentId { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>received, routed, extended, accepted, denied, disagreement, rebuttal, sent, …</summary>
    public required string Kind { get; set; }

    public Guid? ByUserId { get; set; }

    public string? Note { get; set; }
}

/// <summary>Who is told of an accepted amendment (164.526(c)(3)). Stored as the constants' text.</summary>
public static class AmendmentRecipientSources
{
    /// <summary>(c)(3)(i): a person the patient names as having received the item and needing the amendment.</summary>
    public const string PatientNamed = "patient-named";

    /// <summary>(c)(3)(ii): a person, business associates included, known to hold the item and who may rely on it (from the accounting of disclosures).</summary>
    public const string KnownHolder = "known-holder";

    public static readonly IReadOnlyList<string> All = [PatientNamed, KnownHolder];

    internal static readonly string Check = $"source IN ({string.Join(", ", All.Select(k => $"'{k}'"))})";
}

/// <summary>One person or organization to be told of an accepted amendment, and when they were.</summary>
public sealed class AmendmentRecipient
{
    public Guid Id { get; set; }

    public Guid AmendmentId { get; set; }

    public required string Name { get; set; }

    /// <summary>E-mail address or postal address (lines separated by newlines).</summary>
    public string? Address { get; set; }

    /// <summary><see cref="AmendmentRecipientSources"/>.</summary>
    public required string Source { get; set; }

    /// <summary>The disclosure (roi.disclosures) that put the item in their hands, for a known holder.</summary>
    public Guid? DisclosureId { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    /// <summary>How: "e-mail", "letter".</summary>
    public string? SentHow { get; set; }

    /// <summary>The letter to print for a postal address (PDF in the document store), as written; HIM downloads it to print and post.</summary>
    public Guid? LetterObjectId { get; set; }

    /// <summary>A letter to print: when HIM marked it printed and mailed (null until then, and for an e-mail).</summary>
    public DateTimeOffset? MailedAt { get; set; }
}

internal sealed class PortalSettingsConfiguration : IEntityTypeConfiguration<PortalSettings>
{
    public void Configure(EntityTypeBuilder<PortalSettings> builder)
    {
        builder.ToTable("settings", Schemas.Portal, t =>
        {
            t.HasCheckConstraint("ck_settings_second_factor", SecondFactorPolicies.Check);
            t.HasCheckConstraint("ck_settings_singleton", "id = 1");
            t.HasCheckConstraint("ck_settings_ranges",
                "activation_code_days BETWEEN 1 AND 365 AND activation_max_attempts BETWEEN 1 AND 20 AND proxy_ends_at_age BETWEEN 12 AND 21 "
                + "AND amendment_due_days BETWEEN 1 AND 60 AND amendment_extension_days BETWEEN 0 AND 30");
        });
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).ValueGeneratedNever();
        builder.Property(s => s.SecondFactor).HasMaxLength(16);
        builder.Property(s => s.Version).IsRowVersion();
        builder.HasData(new PortalSettings { Id = 1, UpdatedAt = new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero) });
    }
}

internal sealed class ActivationCodeConfiguration : IEntityTypeConfiguration<ActivationCode>
{
    public void Configure(EntityTypeBuilder<ActivationCode> builder)
    {
        builder.ToTable("activation_codes", Schemas.Portal);
        builder.HasKey(c => c.Id);
        builder.HasIndex(c => c.CodeHash).IsUnique();
        builder.HasIndex(c => new { c.PatientId, c.IssuedAt });
        builder.Property(c => c.Version).IsRowVersion();
    }
}

internal sealed class ProxyGrantConfiguration : IEntityTypeConfiguration<ProxyGrant>
{
    public void Configure(EntityTypeBuilder<ProxyGrant> builder)
    {
        builder.ToTable("proxy_grants", Schemas.Portal, t => t.HasCheckConstraint("ck_proxy_grants_relationship", ProxyRelationships.Check));
        builder.HasKey(g => g.Id);
        builder.Property(g => g.RepresentativeName).HasMaxLength(200);
        builder.Property(g => g.RepresentativeFamilyName).HasMaxLength(100);
        builder.Property(g => g.Relationship).HasMaxLength(32);
        builder.Property(g => g.AuthorityDocument).HasMaxLength(500);
        builder.Property(g => g.RevokeReason).HasMaxLength(500);
        builder.HasIndex(g => g.PatientId);
        builder.HasIndex(g => g.RepresentativeUserId);
        builder.Property(g => g.Version).IsRowVersion();
    }
}

internal sealed class InformationBlockingHoldConfiguration : IEntityTypeConfiguration<InformationBlockingHold>
{
    public void Configure(EntityTypeBuilder<InformationBlockingHold> builder)
    {
        builder.ToTable("holds", Schemas.Portal, t => t.HasCheckConstraint("ck_holds_exception", HoldExceptions.Check));
        builder.HasKey(h => h.Id);
        builder.Property(h => h.ResourceType).HasMaxLength(32);
        builder.Property(h => h.Exception).HasMaxLength(32);
        builder.Property(h => h.Reason).HasMaxLength(2000);
        // At most one hold in force per item; the portal's reads look them up by patient.
        builder.HasIndex(h => new { h.ResourceType, h.ResourceId }).IsUnique().HasFilter("lifted_at IS NULL").HasDatabaseName("ux_holds_in_force");
        builder.HasIndex(h => h.PatientId).HasFilter("lifted_at IS NULL").HasDatabaseName("ix_holds_patient_in_force");
        builder.Property(h => h.Version).IsRowVersion();
    }
}

internal sealed class AccessFlagConfiguration : IEntityTypeConfiguration<AccessFlag>
{
    public void Configure(EntityTypeBuilder<AccessFlag> builder)
    {
        builder.ToTable("access_flags", Schemas.Portal);
        builder.HasKey(f => f.Id);
        builder.Property(f => f.Comment).HasMaxLength(1000);
        // One flag per access and account: flagging twice opens no second alert.
        builder.HasIndex(f => new { f.AuditEventId, f.FlaggedByUserId }).IsUnique();
        builder.HasIndex(f => f.PatientId);
    }
}

internal sealed class AmendmentRequestConfiguration : IEntityTypeConfiguration<AmendmentRequest>
{
    public void Configure(EntityTypeBuilder<AmendmentRequest> builder)
    {
        builder.ToTable("amendments", Schemas.Portal, t =>
        {
            t.HasCheckConstraint("ck_amendments_status", AmendmentStatuses.Check);
            t.HasCheckConstraint("ck_amendments_denial_ground", AmendmentDenialGrounds.Check);
        });
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Number).UseIdentityAlwaysColumn();
        builder.HasIndex(a => a.Number).IsUnique();
        builder.Ignore(a => a.Display);
        builder.Property(a => a.ResourceType).HasMaxLength(32);
        builder.Property(a => a.ItemDescription).HasMaxLength(500);
        builder.Property(a => a.RequestedChange).HasMaxLength(4000);
        builder.Property(a => a.Reason).HasMaxLength(4000);
        builder.Property(a => a.Status).HasMaxLength(16);
        builder.Property(a => a.DenialGround).HasMaxLength(40);
        builder.Property(a => a.DenialExplanation).HasMaxLength(4000);
        builder.Property(a => a.DisagreementText).HasMaxLength(8000);
        builder.Property(a => a.RebuttalText).HasMaxLength(8000);
        builder.Property(a => a.ExtensionReason).HasMaxLength(1000);
        builder.HasIndex(a => new { a.PatientId, a.ReceivedAt });
        builder.HasIndex(a => new { a.ResourceType, a.ResourceId });
        // The author's inbox and HIM's queue: open requests by due date.
        builder.HasIndex(a => new { a.AuthorPractitionerId, a.DueAt, a.Id }).HasFilter("status IN ('received', 'routed')").HasDatabaseName("ix_amendments_open");
        builder.Property(a => a.Version).IsRowVersion();
    }
}

internal sealed class AmendmentEventConfiguration : IEntityTypeConfiguration<AmendmentEvent>
{
    public void Configure(EntityTypeBuilder<AmendmentEvent> builder)
    {
        builder.ToTable("amendment_events", Schemas.Portal);
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Kind).HasMaxLength(32);
        builder.Property(e => e.Note).HasMaxLength(2000);
        builder.HasIndex(e => new { e.AmendmentId, e.At });
    }
}

internal sealed class AmendmentRecipientConfiguration : IEntityTypeConfiguration<AmendmentRecipient>
{
    public void Configure(EntityTypeBuilder<AmendmentRecipient> builder)
    {
        builder.ToTable("amendment_recipients", Schemas.Portal, t => t.HasCheckConstraint("ck_amendment_recipients_source", AmendmentRecipientSources.Check));
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Name).HasMaxLength(200);
        builder.Property(r => r.Address).HasMaxLength(1000);
        builder.Property(r => r.Source).HasMaxLength(16);
        builder.Property(r => r.SentHow).HasMaxLength(16);
        builder.HasIndex(r => r.AmendmentId);
    }
}
