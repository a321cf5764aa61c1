using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Records;

/// <summary>
/// A resource an import sent under another patient than the one whose record holds it (issue 14, ADR 0019): the import
/// never moves it, and the conflict waits here for the master patient index's worklist. One row per resource and
/// incoming patient, however often a source sends it again (<see cref="TimesSeen"/>). Written only by the clinical-record
/// writer; a refusal is written in its own transaction, so it stays although the bundle rolled back.
/// </summary>
public sealed class ImportConflict
{
    /// <summary>The bundle was refused whole: the resource belongs to another stored patient.</summary>
    public const string Refused = "refused";

    /// <summary>
    /// The resource was corrected (entered-in-error, copied to the right patient): the bundle imported, the original was
    /// left as it is. The source still sends it, under the old patient or the new one.
    /// </summary>
    public const string HeldBack = "held-back";

    public const string Open = "open";
    public const string Resolved = "resolved";

    public long Id { get; set; }

    /// <summary>The FHIR type, which names the table of <see cref="ResourceId"/>.</summary>
    public required string ResourceType { get; set; }

    public Guid ResourceId { get; set; }

    public required string ResourceFhirId { get; set; }

    /// <summary>The patient whose record holds the resource (its patient_id, which never changes).</summary>
    public Guid StoredPatientId { get; set; }

    /// <summary>The key of the patient the bundle names: a stored patient, or one the refused bundle would have added.</summary>
    public Guid IncomingPatientId { get; set; }

    public required string IncomingPatientFhirId { get; set; }

    public string? IncomingPatientMrn { get; set; }

    /// <summary><see cref="Refused"/> or <see cref="HeldBack"/>, the last time it was seen.</summary>
    public required string Outcome { get; set; }

    /// <summary><see cref="Open"/> or <see cref="Resolved"/>.</summary>
    public required string Status { get; set; }

    /// <summary>The file that sent it last.</summary>
    public required string BundleName { get; set; }

    /// <summary>The SHA-256 of the resource's JSON as last sent: which version of it the source keeps sending.</summary>
    public required byte[] IncomingSourceHash { get; set; }

    public DateTimeOffset FirstSeenAt { get; set; }

    public DateTimeOffset LastSeenAt { get; set; }

    public int TimesSeen { get; set; }

    public Guid? ResolvedByUserId { get; set; }

    public string? ResolvedByName { get; set; }

    public DateTimeOffset? ResolvedAt { get; set; }
}

internal sealed class ImportConflictConfiguration : IEntityTypeConfiguration<ImportConflict>
{
    public void Configure(EntityTypeBuilder<ImportConflict> builder)
    {
        builder.ToTable("import_conflicts", Schemas.Clinical, t =>
        {
            t.HasCheckConstraint("ck_import_conflicts_outcome", "outcome IN ('refused','held-back')");
            t.HasCheckConstraint("ck_import_conflicts_status", "status IN ('open','resolved')");
        });
        builder.HasKey(e => e.Id);
        builder.Property(e => e.ResourceType).HasMaxLength(40);
        builder.Property(e => e.ResourceFhirId).HasMaxLength(128);
        builder.Property(e => e.IncomingPatientFhirId).HasMaxLength(128);
        builder.Property(e => e.IncomingPatientMrn).HasMaxLength(128);
        builder.Property(e => e.Outcome).HasMaxLength(10);
        builder.Property(e => e.Status).HasMaxLength(10);
        builder.Property(e => e.BundleName).HasMaxLength(256);
        builder.Property(e => e.ResolvedByName).HasMaxLength(256);
        // The deduplication: a source sending the same resource under the same patient again counts, it does not add.
        builder.HasIndex(e => new { e.ResourceId, e.IncomingPatientId }).IsUnique();
        // The worklist: open conflicts, latest first.
        builder.HasIndex(e => new { e.Status, e.LastSeenAt });
        builder.HasIndex(e => e.StoredPatientId);
    }
}
