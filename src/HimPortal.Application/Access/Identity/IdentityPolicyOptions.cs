using System.ComponentModel.DataAnnotations;

namespace HimPortal.Application.Access.Identity;

/// <summary>Staff sign-in policy (section "Identity").</summary>
public sealed class IdentityPolicyOptions
{
    public const string Section = "Identity";

    public PasswordPolicy Password { get; set; } = new();

    public LockoutPolicy Lockout { get; set; } = new();

    public TwoFactorPolicy TwoFactor { get; set; } = new();

    /// <summary>
    /// A second factor (an authenticator app's TOTP code) for local staff accounts. Required of the roles that can change
    /// who sees what or read every access (Administrator, ComplianceOfficer): they enrol at their next sign-in.
    /// </summary>
    public sealed class TwoFactorPolicy
    {
        public static readonly IReadOnlyList<string> RequiredRoles = [Roles.Administrator, Roles.ComplianceOfficer];

        /// <summary>Whether <see cref="RequiredRoles"/> must use it (true; off only for a test or a site that signs them in through its identity provider).</summary>
        public bool Required { get; set; } = true;

        /// <summary>The issuer an authenticator app shows beside the account.</summary>
        [Required, StringLength(64, MinimumLength = 1)]
        public string Issuer { get; set; } = "HimPortal";
    }

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
