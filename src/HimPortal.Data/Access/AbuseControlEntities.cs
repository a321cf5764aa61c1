using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Access;

/// <summary>
/// A one-time code (a TOTP code, an e-mailed code) that has been accepted, kept until it could no longer be accepted
/// anyway, so that no web node accepts it a second time (RFC 6238 section 5.2). Only a hash of the code is stored.
/// </summary>
public sealed class UsedOneTimeCode
{
    public Guid UserId { get; set; }

    /// <summary>What the code was for (totp, email-verification, …): the same digits for another purpose are another code.</summary>
    public required string Purpose { get; set; }

    /// <summary>The time step (RFC 6238's T) or other counter the code belongs to.</summary>
    public long TimeStep { get; set; }

    /// <summary>SHA-256 over purpose, user, step and code: never the code itself.</summary>
    public required byte[] CodeHash { get; set; }

    public DateTimeOffset UsedAt { get; set; }

    /// <summary>When the code can no longer be accepted: the row may be pruned from then on.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>
/// One fixed window of one throttle key: how many attempts it has counted. The key is a SHA-256 hash (no e-mail address
/// or patient identifier is stored in clear), and a window's row is pruned once the window is over.
/// </summary>
public sealed class ThrottleWindow
{
    public required byte[] KeyHash { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public DateTimeOffset WindowEnd { get; set; }

    public int Hits { get; set; }
}

/// <summary>
/// The failed sign-ins of one key (a client address, an account on one client, an account from anywhere) and when the
/// account last signed in from that client (the usual-client mark, ADR 0022). Only a SHA-256 hash of the key is stored;
/// a row is pruned once it would neither slow anyone nor mark a usual client.
/// </summary>
public sealed class SignInThrottle
{
    public required byte[] KeyHash { get; set; }

    /// <summary>Failures since the count last started again (an attempt counts from its start until it succeeds).</summary>
    public int Failures { get; set; }

    public DateTimeOffset? LastFailureAt { get; set; }

    /// <summary>For an account-and-client key: the last successful sign-in of that account from that client.</summary>
    public DateTimeOffset? LastSuccessAt { get; set; }

    /// <summary>When the row may be deleted.</summary>
    public DateTimeOffset ExpiresAt { get; set; }
}

internal sealed class UsedOneTimeCodeConfiguration : IEntityTypeConfiguration<UsedOneTimeCode>
{
    public void Configure(EntityTypeBuilder<UsedOneTimeCode> builder)
    {
        builder.ToTable("used_one_time_codes", Schemas.Access);
        // The key is what makes a second use fail, on any node, in one INSERT: no read-then-write race.
        builder.HasKey(e => new { e.UserId, e.Purpose, e.TimeStep, e.CodeHash });
        builder.Property(e => e.Purpose).HasMaxLength(40);
        builder.Property(e => e.CodeHash).HasMaxLength(32);
        builder.HasIndex(e => e.ExpiresAt);
    }
}

internal sealed class ThrottleWindowConfiguration : IEntityTypeConfiguration<ThrottleWindow>
{
    public void Configure(EntityTypeBuilder<ThrottleWindow> builder)
    {
        builder.ToTable("throttle_windows", Schemas.Access);
        builder.HasKey(e => new { e.KeyHash, e.WindowStart });
        builder.Property(e => e.KeyHash).HasMaxLength(32);
        builder.HasIndex(e => e.WindowEnd);
    }
}

internal sealed class SignInThrottleConfiguration : IEntityTypeConfiguration<SignInThrottle>
{
    public void Configure(EntityTypeBuilder<SignInThrottle> builder)
    {
        builder.ToTable("sign_in_throttles", Schemas.Access);
        // One row per key: every node counts on it with one INSERT … ON CONFLICT, whose row lock serialises them.
        builder.HasKey(e => e.KeyHash);
        builder.Property(e => e.KeyHash).HasMaxLength(32);
        builder.HasIndex(e => e.ExpiresAt);
    }
}
