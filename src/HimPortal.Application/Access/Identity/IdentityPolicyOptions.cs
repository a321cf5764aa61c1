using System.ComponentModel.DataAnnotations;

namespace HimPortal.Application.Access.Identity;

/// <summary>Staff sign-in policy (section "Identity").</summary>
public sealed class IdentityPolicyOptions
{
    public const string Section = "Identity";

    public PasswordPolicy Password { get; set; } = new();

    public LockoutPolicy Lockout { get; set; } = new();

    public sealed class PasswordPolicy
    {
        /// <summary>15 characters for a password that is the only factor (NIST SP 800-63B 5.1.1.1); never fewer than 8.</summary>
        [Range(8, 128)]
        public int MinimumLength { get; set; } = 15;
    }

    public sealed class LockoutPolicy
    {
        [Range(3, 100)]
        public int MaxFailedAttempts { get; set; } = 5;

        [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
        public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(15);
    }
}
