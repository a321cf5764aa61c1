using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Access;

/// <summary>
/// A kind of sensitive information the hospital segments (psychotherapy notes, 42 CFR Part 2 records, HIV, …): its code
/// (an HL7 v3 ActCode sensitivity code where one exists, or the hospital's own), the regulation behind it and whether
/// it blocks a release made without the patient's specific authorization. The seeded ones can be retitled or retired,
/// never deleted (labels on items refer to them); the hospital adds its own.
/// </summary>
public sealed class SensitivityLabel
{
    public required string Code { get; set; }

    /// <summary>The code system of <see cref="Code"/>: HL7 v3 ActCode for the standard ones, the hospital's own URI otherwise.</summary>
    public required string CodeSystem { get; set; }

    public required string Title { get; set; }

    public required string Regulation { get; set; }

    /// <summary>Whether release of information must withhold labelled items unless the patient specifically authorized their release.</summary>
    public bool BlocksReleaseWithoutAuthorization { get; set; }

    /// <summary>Whether the automatic rules also label the encounter a matching item belongs to, and that encounter's notes and reports.</summary>
    public bool LabelsEncounter { get; set; }

    /// <summary>False once retired: no new labels, no automatic labelling; labels already given stay in force until removed.</summary>
    public bool Active { get; set; } = true;

    public DateTimeOffset UpdatedAt { get; set; }

    public Guid? UpdatedByUserId { get; set; }

    public uint Version { get; set; }
}

/// <summary>A code that, found on a patient's item, labels it automatically (an HIV diagnosis, a psychiatry note type).</summary>
public sealed class SensitivityCodeRule
{
    public Guid Id { get; set; }

    public required string LabelCode { get; set; }

    /// <summary>SNOMED CT, LOINC, ICD-10-CM or RxNorm URI, as FHIR writes it.</summary>
    public required string CodeSystem { get; set; }

    public required string Code { get; set; }

    /// <summary>Whether <see cref="Code"/> matches every code it begins (ICD-10-CM "F11" covers F11.10, F11.20, …).</summary>
    public bool Prefix { get; set; }
}

/// <summary>
/// A sensitivity label on one item of a patient's record (a note, a condition, an observation, an encounter, the whole
/// record, later a scanned document), given by a person or by the automatic rules. Never deleted: removing it records
/// who, when and why, and the row stays as the history of the item's segmentation.
/// </summary>
public sealed class ItemSensitivityLabel
{
    public Guid Id { get; set; }

    public Guid PatientId { get; set; }

    public required string LabelCode { get; set; }

    /// <summary>The FHIR resource type of the item (DocumentReference, Condition, Observation, Encounter, Patient, …).</summary>
    public required string ResourceType { get; set; }

    /// <summary>The item's key in this database (clinical.*.id).</summary>
    public Guid ResourceId { get; set; }

    /// <summary>manual or rule.</summary>
    public required string Source { get; set; }

    /// <summary>For a rule's label: the code that matched (system|code), or the item it was carried over from (Condition/…).</summary>
    public string? MatchedCode { get; set; }

    public string? Reason { get; set; }

    public DateTimeOffset LabelledAt { get; set; }

    public Guid? LabelledByUserId { get; set; }

    public DateTimeOffset? RemovedAt { get; set; }

    public Guid? RemovedByUserId { get; set; }

    public string? RemovalReason { get; set; }

    public uint Version { get; set; }
}

internal sealed class SensitivityLabelConfiguration : IEntityTypeConfiguration<SensitivityLabel>
{
    public void Configure(EntityTypeBuilder<SensitivityLabel> builder)
    {
        builder.ToTable("sensitivity_labels", Schemas.Access);
        builder.HasKey(e => e.Code);
        builder.Property(e => e.Code).HasMaxLength(40);
        builder.Property(e => e.CodeSystem).HasMaxLength(200);
        builder.Property(e => e.Title).HasMaxLength(200);
        builder.Property(e => e.Regulation).HasMaxLength(300);
        builder.Property(e => e.Version).IsRowVersion();
        builder.HasData(SensitivitySeed.Labels);
    }
}

internal sealed class SensitivityCodeRuleConfiguration : IEntityTypeConfiguration<SensitivityCodeRule>
{
    public void Configure(EntityTypeBuilder<SensitivityCodeRule> builder)
    {
        builder.ToTable("sensitivity_code_rules", Schemas.Access);
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.LabelCode).HasMaxLength(40);
        builder.Property(e => e.CodeSystem).HasMaxLength(200);
        builder.Property(e => e.Code).HasMaxLength(64);
        builder.HasOne<SensitivityLabel>().WithMany().HasForeignKey(e => e.LabelCode).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(e => new { e.LabelCode, e.CodeSystem, e.Code }).IsUnique();
        builder.HasData(SensitivitySeed.CodeRules);
    }
}

internal sealed class ItemSensitivityLabelConfiguration : IEntityTypeConfiguration<ItemSensitivityLabel>
{
    public void Configure(EntityTypeBuilder<ItemSensitivityLabel> builder)
    {
        builder.ToTable("item_sensitivity_labels", Schemas.Access, t =>
            t.HasCheckConstraint("ck_item_sensitivity_labels_source", "source IN ('manual','rule')"));
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.LabelCode).HasMaxLength(40);
        builder.Property(e => e.ResourceType).HasMaxLength(40);
        builder.Property(e => e.Source).HasMaxLength(10);
        builder.Property(e => e.MatchedCode).HasMaxLength(300);
        builder.Property(e => e.Reason).HasMaxLength(1000);
        builder.Property(e => e.RemovalReason).HasMaxLength(1000);
        builder.Property(e => e.Version).IsRowVersion();
        builder.HasOne<Patient>().WithMany().HasForeignKey(e => e.PatientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<SensitivityLabel>().WithMany().HasForeignKey(e => e.LabelCode).OnDelete(DeleteBehavior.Restrict);
        // One label in force per item and kind: a second person (or a rule run racing another) finds it already there.
        // Removed rows stay beside it as history.
        builder.HasIndex(e => new { e.ResourceType, e.ResourceId, e.LabelCode }).IsUnique().HasFilter("removed_at IS NULL");
        builder.HasIndex(e => new { e.PatientId, e.ResourceType, e.ResourceId });
    }
}
