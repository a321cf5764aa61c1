using HimPortal.Data.Clinical;
using HimPortal.Data.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Access;

// The dated history of the facts privacy monitoring judges an access by (docs/adr/0017): a patient's restriction, a
// user's roles and profile, a physician's treatment assignment. Each row is one period, valid from ValidFrom up to (not
// including) ValidTo; null ValidTo while it lasts. The application opens and ends periods in the transaction of the change
// they record (Application/Access/History); PostgreSQL lets a period only be ended or ended earlier, never rewritten or
// deleted (the triggers of the AccessHistory migration), because an alert's evidence rests on it.

/// <summary>A period of a patient's restriction (VIP, employee and department), as set by HIM staff.</summary>
public sealed class RestrictionHistory
{
    public Guid Id { get; set; }

    public Guid PatientId { get; set; }

    public bool Vip { get; set; }

    public bool Employee { get; set; }

    public string? EmployeeDepartment { get; set; }

    public string? Note { get; set; }

    public DateTimeOffset ValidFrom { get; set; }

    public DateTimeOffset? ValidTo { get; set; }

    /// <summary>Who made the change that began this period; null for the migration's backfill and the console.</summary>
    public Guid? ChangedByUserId { get; set; }
}

/// <summary>A period of a user's profile: the department, legal family name, home address and own MRN the rules compare.</summary>
/// <remarks>A null field is unknown or blank for the period; a rule that needs it does not match.</remarks>
public sealed class UserProfileHistory
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public string? Department { get; set; }

    public string? FamilyName { get; set; }

    public string? AddressLine { get; set; }

    public string? City { get; set; }

    public string? State { get; set; }

    public string? PostalCode { get; set; }

    public string? PatientMrn { get; set; }

    public DateTimeOffset ValidFrom { get; set; }

    public DateTimeOffset? ValidTo { get; set; }

    public Guid? ChangedByUserId { get; set; }
}

/// <summary>A period of a user's roles (the whole set, ordered).</summary>
public sealed class UserRoleHistory
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public string[] Roles { get; set; } = [];

    public DateTimeOffset ValidFrom { get; set; }

    public DateTimeOffset? ValidTo { get; set; }

    public Guid? ChangedByUserId { get; set; }
}

/// <summary>
/// The period of one treatment assignment: from its recording to its planned end (a consult's last day), or to its
/// revocation when that comes first. Encounter and care-team relationships need none: the record dates them.
/// </summary>
public sealed class AssignmentHistory
{
    public Guid Id { get; set; }

    public Guid AssignmentId { get; set; }

    public Guid PatientId { get; set; }

    /// <summary>The physician's account.</summary>
    public Guid UserId { get; set; }

    public required string Reason { get; set; }

    public DateTimeOffset ValidFrom { get; set; }

    public DateTimeOffset? ValidTo { get; set; }

    public Guid? ChangedByUserId { get; set; }
}

internal static class HistoryColumns
{
    /// <summary>A period never ends before it begins.</summary>
    public static string Check(string table) => $"ck_{table}_period";

    public const string CheckSql = "valid_to IS NULL OR valid_to >= valid_from";
}

internal sealed class RestrictionHistoryConfiguration : IEntityTypeConfiguration<RestrictionHistory>
{
    public void Configure(EntityTypeBuilder<RestrictionHistory> builder)
    {
        builder.ToTable("restriction_history", Schemas.Access, t => t.HasCheckConstraint(HistoryColumns.Check("restriction_history"), HistoryColumns.CheckSql));
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.EmployeeDepartment).HasMaxLength(200);
        builder.Property(e => e.Note).HasMaxLength(1000);
        builder.HasOne<Patient>().WithMany().HasForeignKey(e => e.PatientId).OnDelete(DeleteBehavior.Restrict);
        // The rules' join: the patient's period containing an access's time.
        builder.HasIndex(e => new { e.PatientId, e.ValidFrom });
        // At most one current period per patient.
        builder.HasIndex(e => e.PatientId).IsUnique().HasFilter("valid_to IS NULL").HasDatabaseName("ux_restriction_history_current");
    }
}

internal sealed class UserProfileHistoryConfiguration : IEntityTypeConfiguration<UserProfileHistory>
{
    public void Configure(EntityTypeBuilder<UserProfileHistory> builder)
    {
        builder.ToTable("user_profile_history", Schemas.Access, t => t.HasCheckConstraint(HistoryColumns.Check("user_profile_history"), HistoryColumns.CheckSql));
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Department).HasMaxLength(200);
        builder.Property(e => e.FamilyName).HasMaxLength(200);
        builder.Property(e => e.AddressLine).HasMaxLength(300);
        builder.Property(e => e.City).HasMaxLength(100);
        builder.Property(e => e.State).HasMaxLength(50);
        builder.Property(e => e.PostalCode).HasMaxLength(20);
        builder.Property(e => e.PatientMrn).HasMaxLength(64);
        builder.HasOne<HimUser>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(e => new { e.UserId, e.ValidFrom });
        builder.HasIndex(e => e.UserId).IsUnique().HasFilter("valid_to IS NULL").HasDatabaseName("ux_user_profile_history_current");
    }
}

internal sealed class UserRoleHistoryConfiguration : IEntityTypeConfiguration<UserRoleHistory>
{
    public void Configure(EntityTypeBuilder<UserRoleHistory> builder)
    {
        builder.ToTable("user_role_history", Schemas.Access, t => t.HasCheckConstraint(HistoryColumns.Check("user_role_history"), HistoryColumns.CheckSql));
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.HasOne<HimUser>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(e => new { e.UserId, e.ValidFrom });
        builder.HasIndex(e => e.UserId).IsUnique().HasFilter("valid_to IS NULL").HasDatabaseName("ux_user_role_history_current");
    }
}

internal sealed class AssignmentHistoryConfiguration : IEntityTypeConfiguration<AssignmentHistory>
{
    public void Configure(EntityTypeBuilder<AssignmentHistory> builder)
    {
        builder.ToTable("assignment_history", Schemas.Access, t => t.HasCheckConstraint(HistoryColumns.Check("assignment_history"), HistoryColumns.CheckSql));
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Reason).HasMaxLength(500);
        builder.HasOne<TreatmentAssignment>().WithMany().HasForeignKey(e => e.AssignmentId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<Patient>().WithMany().HasForeignKey(e => e.PatientId).OnDelete(DeleteBehavior.Restrict);
        builder.HasOne<HimUser>().WithMany().HasForeignKey(e => e.UserId).OnDelete(DeleteBehavior.Restrict);
        // One period per assignment: a revocation ends it, a new assignment is a new row.
        builder.HasIndex(e => e.AssignmentId).IsUnique();
        builder.HasIndex(e => new { e.UserId, e.PatientId, e.ValidFrom });
        builder.HasIndex(e => e.PatientId);
    }
}
