using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Identity;

/// <summary>A person who signs in: staff member or patient.</summary>
public sealed class HimUser : IdentityUser<Guid>
{
    public required string DisplayName { get; set; }

    /// <summary>National Provider Identifier of a physician; links the account to a Practitioner of the clinical record.</summary>
    public string? PractitionerNpi { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    // What privacy monitoring compares with the patients a user opens (docs/adr/0009): the department (co-workers'
    // records), the family name and home address (relatives and neighbours), and the user's own medical record number.
    // HIM staff keep them up to date; a blank field switches the matching rule off for this user.

    /// <summary>The department the staff member works in, as HIM records it for employee patients.</summary>
    public string? Department { get; set; }

    /// <summary>The legal family name; the display name is free text and may be a nickname.</summary>
    public string? FamilyName { get; set; }

    public string? AddressLine { get; set; }

    public string? City { get; set; }

    public string? State { get; set; }

    public string? PostalCode { get; set; }

    /// <summary>The MRN of the user's own medical record in this hospital, when they are also a patient here.</summary>
    public string? PatientMrn { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }

    /// <summary>
    /// The password was issued by an administrator (a new account, a reset): until the user chooses their own, signing in
    /// reaches only the change-password page. An issued password is known to someone besides its user.
    /// </summary>
    public bool MustChangePassword { get; set; }

    /// <summary>When the password was last set (by its user, an administrator or a reset link); null before the first change.</summary>
    public DateTimeOffset? PasswordChangedAt { get; set; }
}

public sealed class HimRole : IdentityRole<Guid>
{
}

internal sealed class HimRoleConfiguration : IEntityTypeConfiguration<HimRole>
{
    /// <summary>The fixed roles of the department, seeded with stable ids so every database agrees.</summary>
    private static readonly (string Name, string Id)[] Seed =
    [
        ("Administrator", "0199a000-0000-7000-8000-000000000001"),
        ("HimManager", "0199a000-0000-7000-8000-000000000002"),
        ("HimClerk", "0199a000-0000-7000-8000-000000000003"),
        ("RoiSpecialist", "0199a000-0000-7000-8000-000000000004"),
        ("Physician", "0199a000-0000-7000-8000-000000000005"),
        ("ComplianceOfficer", "0199a000-0000-7000-8000-000000000006"),
        ("Patient", "0199a000-0000-7000-8000-000000000007"),
    ];

    public void Configure(EntityTypeBuilder<HimRole> builder) =>
        builder.HasData(Seed.Select(r => new HimRole
        {
            Id = Guid.Parse(r.Id),
            Name = r.Name,
            NormalizedName = r.Name.ToUpperInvariant(),
            ConcurrencyStamp = r.Id,
        }));
}

internal sealed class HimUserConfiguration : IEntityTypeConfiguration<HimUser>
{
    public void Configure(EntityTypeBuilder<HimUser> builder)
    {
        builder.Property(u => u.DisplayName).HasMaxLength(200);
        builder.Property(u => u.PractitionerNpi).HasMaxLength(10);
        builder.Property(u => u.Department).HasMaxLength(200);
        builder.Property(u => u.FamilyName).HasMaxLength(200);
        builder.Property(u => u.AddressLine).HasMaxLength(300);
        builder.Property(u => u.City).HasMaxLength(100);
        builder.Property(u => u.State).HasMaxLength(50);
        builder.Property(u => u.PostalCode).HasMaxLength(20);
        builder.Property(u => u.PatientMrn).HasMaxLength(64);
        builder.HasIndex(u => u.PatientMrn).HasFilter("patient_mrn IS NOT NULL");
        builder.HasIndex(u => u.PractitionerNpi).IsUnique().HasFilter("practitioner_npi IS NOT NULL");
    }
}
