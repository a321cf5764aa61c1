using System.ComponentModel.DataAnnotations;

namespace HimPortal.Application.Accounts;

/// <summary>The accounts workflow's settings (section "Accounts").</summary>
public sealed class AccountsOptions
{
    public const string Section = "Accounts";

    public PasswordResetOptions PasswordReset { get; set; } = new();

    /// <summary>Self-service reset by e-mail (OWASP Forgot Password Cheat Sheet; NIST SP 800-63B 6.1.2.3, account recovery).</summary>
    public sealed class PasswordResetOptions
    {
        /// <summary>How long a link works: long enough to open the mail, short enough that an old mailbox holds nothing usable.</summary>
        [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
        public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(30);

        /// <summary>Reset requests (and attempts with a link) from one client address in an hour; more are refused with a message.</summary>
        [Range(1, 10_000)]
        public int RequestsPerClientPerHour { get; set; } = 20;

        /// <summary>Links sent to one address in an hour; further requests get the same answer and send nothing (no mail bombing).</summary>
        [Range(1, 100)]
        public int RequestsPerAccountPerHour { get; set; } = 3;

        /// <summary>
        /// Every answer to a reset request takes at least this long, whether or not the address has an account, so that
        /// timing tells nothing about which addresses do (the work differs by an INSERT; the mail is sent by a job).
        /// </summary>
        [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
        public TimeSpan ResponseTime { get; set; } = TimeSpan.FromMilliseconds(400);
    }
}
