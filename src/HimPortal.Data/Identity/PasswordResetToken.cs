using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Identity;

/// <summary>
/// A self-service password-reset link sent by e-mail: single use, short-lived. Only a SHA-256 hash of the link's token
/// is kept (the token is 256 random bits, so a fast hash is enough): a copy of this table resets nobody's password.
/// A row is never deleted when used: used, replaced or expired, it stays as the record of what was sent and when.
/// </summary>
public sealed class PasswordResetToken
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public required byte[] TokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    /// <summary>When the link set a new password: from then on it sets nothing.</summary>
    public DateTimeOffset? UsedAt { get; set; }

    /// <summary>When a newer link, or another change of the password, made this one worthless before it was used.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
}

internal sealed class PasswordResetTokenConfiguration : IEntityTypeConfiguration<PasswordResetToken>
{
    public void Configure(EntityTypeBuilder<PasswordResetToken> builder)
    {
        builder.ToTable("password_reset_tokens", Schemas.Identity);
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.TokenHash).HasMaxLength(32);
        builder.HasIndex(t => t.TokenHash).IsUnique();
        // The open links of a user, revoked together when a new one is sent or the password changes.
        builder.HasIndex(t => t.UserId).HasFilter("used_at IS NULL AND revoked_at IS NULL");
        builder.HasOne<HimUser>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
