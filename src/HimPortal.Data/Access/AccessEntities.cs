using HimPortal.Data.Clinical;
using HimPortal.Data.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Access;

/// <summary>
/// A treatment relationship recorded by HIM staff (a physician taking over a patient, a consult) where the clinical
/// record itself does not show one yet. It belongs to the physician's account, not to a Practitioner, so a new
/// physician whose NPI is not in the record yet can be assigned too.
/// </summary>
public sealed class TreatmentAssignment
{
    public Guid Id { get; set; }

    public Guid PatientId { get; set; }

    public Guid UserId { get; set; }

    public required string Reason { get; set; }

    public DateTimeOffset AssignedAt { get; set; }

    public Guid? AssignedByUserId { get; set; }

    /// <summary>When the relationship ends by itself (a consult); null while it lasts until revoked.</summary>
    public DateTimeOffset? EndsAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public Guid? RevokedByUserId { get; set; }

    /// <summary>PostgreSQL's xmin: a revoke that raced another edit is detected, not silently applied twice.</summary>
    public uint Version { get; set; }
}

/// <summary>
/// An emergency ("break-the-glass") access: a physician without a treatment relationship, or opening a restricted
/// record, gave a reason and an attestation and got time-limited access. Every one waits in the compliance review queue.
/// </summary>
public sealed class BreakGlassAccess
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public Guid PatientId { get; set; }

    public required string ReasonCode { get; set; }

    public string? ReasonText { get; set; }

    /// <summary>The words the physician attested to, kept as shown (the wording may change over the years).</summary>
    public required string Attestation { get; set; }

    public DateTimeOffset GrantedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>The access-audit row of the grant, written in the same transaction.</summary>
    public Guid AuditEventId { get; set; }

    public DateTimeOffset? ReviewedAt { get; set; }

    public Guid? ReviewedByUserId { get; set; }

    /// <summary>appropriate, inappropriate or follow-up; null while the access waits for review.</summary>
    public string? Disposition { get; set; }

    public string? ReviewNotes { get; set; }

    public uint Version { get; set; }
}

/// <summary>
/// A patient whose record is restricted: a VIP (public figure) or an employee of the hospital. Physicians must break
/// the glass to open it even with a treatment relationship. Kept apart from the clinical record so an import never resets it.
/// </summary>
public sealed class PatientRestriction
{
    public Guid PatientId { get; set; }

    public bool Vip { get; set; }

    public bool Employee { get; set; }

    /// <summary>The employee's department, for the co-worker privacy rule.</summary>
    public string? EmployeeDepartment { get; set; }

    public string? Note { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public Guid? UpdatedByUserId { get; set; }

    public uint Version { get; set; }

    public bool IsRestricted => Vip || Employee;
}

internal sealed class TreatmentAssignmentConfiguration : IEntityTypeConfiguration<TreatmentAssignment>
{
    public void Configure(EntityTypeBuilder<TreatmentAssignment> builder)
    {
        builder.ToTable("treatment_assignments", Schemas.Access);
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Reason).HasMaxLength(500);
        builder.Property(e => e.Version).IsRowVersion();
        builder.HasOne<Patient>().WithMany().HasForeignKey(e => e.PatientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<HimUser>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(e => new { e.UserId, e.PatientId }).HasFilter("revoked_at IS NULL");
        builder.HasIndex(e => e.PatientId);
    }
}

internal sealed class BreakGlassAccessConfiguration : IEntityTypeConfiguration<BreakGlassAccess>
{
    public void Configure(EntityTypeBuilder<BreakGlassAccess> builder)
    {
        builder.ToTable("break_glass_accesses", Schemas.Access, t =>
            t.HasCheckConstraint("ck_break_glass_accesses_disposition",
                "disposition IS NULL OR disposition IN ('appropriate','inappropriate','follow-up')"));
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.ReasonCode).HasMaxLength(40);
        builder.Property(e => e.ReasonText).HasMaxLength(1000);
        builder.Property(e => e.Attestation).HasMaxLength(1000);
        builder.Property(e => e.Disposition).HasMaxLength(20);
        builder.Property(e => e.ReviewNotes).HasMaxLength(4000);
        builder.Property(e => e.Version).IsRowVersion();
        builder.HasOne<Patient>().WithMany().HasForeignKey(e => e.PatientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<HimUser>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(e => new { e.UserId, e.PatientId, e.ExpiresAt });
        builder.HasIndex(e => e.PatientId);
        // The review queue: oldest unreviewed first.
        builder.HasIndex(e => e.GrantedAt).HasFilter("reviewed_at IS NULL");
    }
}

internal sealed class PatientRestrictionConfiguration : IEntityTypeConfiguration<PatientRestriction>
{
    public void Configure(EntityTypeBuilder<PatientRestriction> builder)
    {
        builder.ToTable("patient_restrictions", Schemas.Access);
        builder.HasKey(e => e.PatientId);
        builder.Property(e => e.EmployeeDepartment).HasMaxLength(200);
        builder.Property(e => e.Note).HasMaxLength(1000);
        builder.Property(e => e.Version).IsRowVersion();
        builder.Ignore(e => e.IsRestricted);
        builder.HasOne<Patient>().WithMany().HasForeignKey(e => e.PatientId).OnDelete(DeleteBehavior.Restrict);
    }
}
