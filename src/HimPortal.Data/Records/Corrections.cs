using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Records;

/// <summary>
/// One correction of the record between two patients (a misfiled document, an overlay found by the master patient
/// index): items of <see cref="FromPatientId"/> were marked entered-in-error and copied under <see cref="ToPatientId"/>
/// (<see cref="CorrectionItem"/>), with who, why and from where (ADR 0015). Written only by the clinical-record writer;
/// never deleted: an undo is a timestamp, who and why.
/// </summary>
public sealed class Correction
{
    public Guid Id { get; set; }

    public Guid FromPatientId { get; set; }

    public Guid ToPatientId { get; set; }

    public required string Reason { get; set; }

    /// <summary>Where the correction came from, in words ("misfile incident 2026-114", "MPI overlay review").</summary>
    public required string Source { get; set; }

    /// <summary>The account that made it; null for the console's operator, who has no account.</summary>
    public Guid? CorrectedByUserId { get; set; }

    public required string CorrectedByName { get; set; }

    public DateTimeOffset CorrectedAt { get; set; }

    public DateTimeOffset? UndoneAt { get; set; }

    public Guid? UndoneByUserId { get; set; }

    public string? UndoneByName { get; set; }

    public string? UndoReason { get; set; }
}

/// <summary>One item a correction moved: the original (now entered-in-error under the first patient) and its copy.</summary>
public sealed class CorrectionItem
{
    public Guid CorrectionId { get; set; }

    /// <summary>The FHIR type (Encounter, Observation, DocumentReference, …), which names the table of both rows.</summary>
    public required string ResourceType { get; set; }

    public Guid OriginalId { get; set; }

    public Guid CopyId { get; set; }

    /// <summary>The copy's new FHIR id (its key is derived from it as every key is: type and FHIR id).</summary>
    public required string CopyFhirId { get; set; }
}

/// <summary>
/// A row of the record that is entered-in-error: no longer in force, kept as it was (the record is amended, never
/// deleted: 42 CFR 482.24(c), ADR 0012). Every reader of the record leaves out a row with a mark in force
/// (<see cref="ClearedAt"/> null); at most one mark per row is in force. An undo clears the originals' marks and marks
/// the copies.
/// </summary>
public sealed class EnteredInError
{
    public const string Moved = "moved";
    public const string Undone = "undone";

    public Guid ResourceId { get; set; }

    public Guid CorrectionId { get; set; }

    public required string ResourceType { get; set; }

    /// <summary>The patient whose record the row is in (its patient_id, which never changes).</summary>
    public Guid PatientId { get; set; }

    /// <summary><see cref="Moved"/> (an original copied to another patient) or <see cref="Undone"/> (a copy withdrawn by the correction's undo).</summary>
    public required string Kind { get; set; }

    public DateTimeOffset MarkedAt { get; set; }

    public DateTimeOffset? ClearedAt { get; set; }
}

internal sealed class CorrectionConfiguration : IEntityTypeConfiguration<Correction>
{
    public void Configure(EntityTypeBuilder<Correction> builder)
    {
        builder.ToTable("corrections", Schemas.Clinical, t =>
            t.HasCheckConstraint("ck_corrections_two_patients", "from_patient_id <> to_patient_id"));
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Reason).HasMaxLength(1000);
        builder.Property(e => e.Source).HasMaxLength(200);
        builder.Property(e => e.CorrectedByName).HasMaxLength(256);
        builder.Property(e => e.UndoneByName).HasMaxLength(256);
        builder.Property(e => e.UndoReason).HasMaxLength(1000);
        // A patient's corrections, either way: the history page of a record.
        builder.HasIndex(e => e.FromPatientId);
        builder.HasIndex(e => e.ToPatientId);
    }
}

internal sealed class CorrectionItemConfiguration : IEntityTypeConfiguration<CorrectionItem>
{
    public void Configure(EntityTypeBuilder<CorrectionItem> builder)
    {
        builder.ToTable("correction_items", Schemas.Clinical);
        builder.HasKey(e => new { e.CorrectionId, e.OriginalId });
        builder.Property(e => e.ResourceType).HasMaxLength(40);
        builder.Property(e => e.CopyFhirId).HasMaxLength(128);
        // "Where did this row come from?": a copy's provenance is one probe.
        builder.HasIndex(e => e.CopyId).IsUnique();
    }
}

internal sealed class EnteredInErrorConfiguration : IEntityTypeConfiguration<EnteredInError>
{
    public void Configure(EntityTypeBuilder<EnteredInError> builder)
    {
        builder.ToTable("entered_in_error", Schemas.Clinical, t =>
            t.HasCheckConstraint("ck_entered_in_error_kind", "kind IN ('moved','undone')"));
        builder.HasKey(e => new { e.ResourceId, e.CorrectionId });
        builder.Property(e => e.ResourceType).HasMaxLength(40);
        builder.Property(e => e.Kind).HasMaxLength(10);
        // At most one mark in force per row (two corrections racing for one item: the second fails here), and the
        // index every reader's anti-join probes: small, as only corrected rows have a mark.
        builder.HasIndex(e => e.ResourceId).IsUnique().HasFilter("cleared_at IS NULL").HasDatabaseName("ux_entered_in_error_in_force");
        builder.HasIndex(e => e.CorrectionId);
    }
}
