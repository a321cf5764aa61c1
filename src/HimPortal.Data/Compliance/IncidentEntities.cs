using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Compliance;

/// <summary>The exceptions of 45 CFR 164.402(1) to the definition of a breach; compliance decides which, if any, applies.</summary>
public static class BreachExceptions
{
    /// <summary>None applies: the four-factor assessment decides.</summary>
    public const string None = "none";

    /// <summary>(i) Unintentional acquisition, access or use by a workforce member acting in good faith, within their authority, not further used or disclosed.</summary>
    public const string GoodFaithWorkforce = "good-faith-workforce";

    /// <summary>(ii) Inadvertent disclosure between persons authorised at the same covered entity, not further used or disclosed.</summary>
    public const string InadvertentAuthorised = "inadvertent-authorised";

    /// <summary>(iii) A good-faith belief that the unauthorised recipient could not reasonably have retained the information.</summary>
    public const string CannotRetain = "cannot-retain";

    public static readonly IReadOnlyList<string> All = [None, GoodFaithWorkforce, InadvertentAuthorised, CannotRetain];

    public const string Check = "breach_exception IS NULL OR breach_exception IN ('none','good-faith-workforce','inadvertent-authorised','cannot-retain')";
}

/// <summary>How compliance closes an incident (a final disposition stands, as in the other reviews).</summary>
public static class IncidentDispositions
{
    /// <summary>Not a breach: an exception applies, or the assessment shows a low probability that the PHI was compromised.</summary>
    public const string NotABreach = "not-a-breach";

    /// <summary>A breach: the individual was notified (45 CFR 164.404).</summary>
    public const string Breach = "breach";

    /// <summary>Open: more to find out.</summary>
    public const string FollowUp = "follow-up";

    public static readonly IReadOnlyList<string> All = [NotABreach, Breach, FollowUp];

    public const string Check = "disposition IS NULL OR disposition IN ('not-a-breach','breach','follow-up')";
}

/// <summary>
/// A privacy incident for compliance (issue 15 item 7): a document filed to the wrong patient was seen under that patient
/// outside filing (a chart, later a release packet or the portal). Opened by the misfile correction, in its transaction.
/// Discovery is the correction (45 CFR 164.404(a)(2)); notification is due within 60 days of it (164.404(b)). Compliance
/// records whether an exception of 164.402(1) applies, the four-factor risk assessment of 164.402(2), the notification,
/// and a disposition, as it does for the other reviews.
/// </summary>
public sealed class PrivacyIncident
{
    public Guid Id { get; set; }

    /// <summary>"misfiled-document", or "overlay" (two people's data in one record, issue 16).</summary>
    public required string Kind { get; set; }

    /// <summary>The misfiled scanned document; none for an overlay (its items are named by the correction).</summary>
    public Guid? DocumentId { get; set; }

    /// <summary>The patient the document was wrongly filed to: whose chart showed it.</summary>
    public Guid WrongPatientId { get; set; }

    /// <summary>The patient the document belongs to: whose information was disclosed.</summary>
    public Guid RightPatientId { get; set; }

    public Guid? CorrectionId { get; set; }

    public DateTimeOffset DiscoveredAt { get; set; }

    public Guid? DiscoveredByUserId { get; set; }

    /// <summary>Discovery + 60 days: the outer limit of 164.404(b); "without unreasonable delay" may be sooner.</summary>
    public DateTimeOffset NotificationDueAt { get; set; }

    public required string Summary { get; set; }

    /// <summary><see cref="BreachExceptions"/>; null until compliance decides.</summary>
    public string? BreachException { get; set; }

    /// <summary>164.402(2)(i): the nature and extent of the PHI involved (identifiers, likelihood of re-identification).</summary>
    public string? NatureAndExtent { get; set; }

    /// <summary>164.402(2)(ii): the unauthorised person who used the PHI or to whom it was disclosed.</summary>
    public string? UnauthorizedPerson { get; set; }

    /// <summary>164.402(2)(iii): whether the PHI was actually acquired or viewed.</summary>
    public string? AcquiredOrViewed { get; set; }

    /// <summary>164.402(2)(iv): the extent to which the risk has been mitigated.</summary>
    public string? Mitigation { get; set; }

    public DateTimeOffset? NotifiedAt { get; set; }

    /// <summary><see cref="IncidentDispositions"/>; null while open and unreviewed.</summary>
    public string? Disposition { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }

    public Guid? ReviewedByUserId { get; set; }

    public string? ReviewNotes { get; set; }

    public uint Version { get; set; }
}

/// <summary>One view of the misfiled document under the wrong patient, as the access log recorded it: who, when, where.</summary>
public sealed class PrivacyIncidentAccess
{
    public long Id { get; set; }

    public Guid IncidentId { get; set; }

    public Guid AuditEventId { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public Guid? UserId { get; set; }

    public string? UserName { get; set; }

    public string[] Roles { get; set; } = [];

    /// <summary>Where it was seen (ScannedDocumentAudit's place: chart, release, portal).</summary>
    public required string Place { get; set; }

    public int? Page { get; set; }

    public string? Purpose { get; set; }
}

/// <summary>
/// A patient-safety notice to a clinician who saw a misfiled document in a patient's chart: that document belonged to
/// another patient, so what they read there may have shaped care. It names the chart they viewed, never the other
/// patient (whose information that would disclose again).
/// </summary>
public sealed class PatientSafetyNotice
{
    public Guid Id { get; set; }

    public Guid IncidentId { get; set; }

    public Guid UserId { get; set; }

    /// <summary>The chart in which they saw the document (the wrong patient).</summary>
    public Guid PatientId { get; set; }

    public DateTimeOffset ViewedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public uint Version { get; set; }
}

internal sealed class PrivacyIncidentConfiguration : IEntityTypeConfiguration<PrivacyIncident>
{
    public void Configure(EntityTypeBuilder<PrivacyIncident> builder)
    {
        builder.ToTable("privacy_incidents", Schemas.Compliance, t =>
        {
            t.HasCheckConstraint("ck_privacy_incidents_exception", BreachExceptions.Check);
            t.HasCheckConstraint("ck_privacy_incidents_disposition", IncidentDispositions.Check);
        });
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Kind).HasMaxLength(32);
        builder.Property(e => e.Summary).HasMaxLength(1000);
        builder.Property(e => e.BreachException).HasMaxLength(32);
        builder.Property(e => e.NatureAndExtent).HasMaxLength(4000);
        builder.Property(e => e.UnauthorizedPerson).HasMaxLength(4000);
        builder.Property(e => e.AcquiredOrViewed).HasMaxLength(4000);
        builder.Property(e => e.Mitigation).HasMaxLength(4000);
        builder.Property(e => e.Disposition).HasMaxLength(20);
        builder.Property(e => e.ReviewNotes).HasMaxLength(4000);
        builder.Property(e => e.Version).IsRowVersion();
        // The list: open incidents first, by discovery; keyset on (discovered_at, id).
        builder.HasIndex(e => new { e.DiscoveredAt, e.Id }).HasFilter("disposition IS NULL OR disposition = 'follow-up'");
        builder.HasIndex(e => new { e.ReviewedAt, e.Id });
        builder.HasIndex(e => e.DocumentId);
    }
}

internal sealed class PrivacyIncidentAccessConfiguration : IEntityTypeConfiguration<PrivacyIncidentAccess>
{
    public void Configure(EntityTypeBuilder<PrivacyIncidentAccess> builder)
    {
        builder.ToTable("privacy_incident_accesses", Schemas.Compliance);
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).UseIdentityAlwaysColumn();
        builder.Property(e => e.UserName).HasMaxLength(256);
        builder.Property(e => e.Place).HasMaxLength(32);
        builder.Property(e => e.Purpose).HasMaxLength(64);
        builder.HasIndex(e => new { e.IncidentId, e.OccurredAt });
        builder.HasOne<PrivacyIncident>().WithMany().HasForeignKey(e => e.IncidentId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class PatientSafetyNoticeConfiguration : IEntityTypeConfiguration<PatientSafetyNotice>
{
    public void Configure(EntityTypeBuilder<PatientSafetyNotice> builder)
    {
        builder.ToTable("patient_safety_notices", Schemas.Compliance);
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Version).IsRowVersion();
        builder.HasIndex(e => new { e.UserId, e.CreatedAt });
        builder.HasIndex(e => new { e.IncidentId, e.UserId, e.PatientId }).IsUnique();
        builder.HasOne<PrivacyIncident>().WithMany().HasForeignKey(e => e.IncidentId).OnDelete(DeleteBehavior.Restrict);
    }
}
