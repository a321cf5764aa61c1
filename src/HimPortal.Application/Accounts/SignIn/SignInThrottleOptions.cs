using System.ComponentModel.DataAnnotations;

namespace HimPortal.Application.Accounts.SignIn;

/// <summary>
/// How failed sign-ins slow further attempts (section "SignIn", ADR 0022). Three counters, each with its own limit: per
/// client address, per account on one client, and per account from anywhere (softer, short). A counter lets
/// <see cref="ThrottleLimit.FreeFailures"/> failures through; each later attempt must wait a delay that starts at
/// <see cref="ThrottleLimit.FirstDelay"/> and doubles per failure up to <see cref="ThrottleLimit.MaxDelay"/>; after
/// <see cref="ThrottleLimit.ForgetAfter"/> without a failure the count starts again.
/// </summary>
public sealed class SignInThrottleOptions
{
    public const string Section = "SignIn";

    /// <summary>One client address, whatever the accounts: stops password spraying from one place.</summary>
    public ThrottleLimit PerClient { get; set; } = new()
    {
        FreeFailures = 30, FirstDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromMinutes(15), ForgetAfter = TimeSpan.FromHours(1),
    };

    /// <summary>One account from one client address: the guesser's own counter, cleared when that client signs in.</summary>
    public ThrottleLimit PerAccountClient { get; set; } = new()
    {
        FreeFailures = 5, FirstDelay = TimeSpan.FromSeconds(30), MaxDelay = TimeSpan.FromHours(1), ForgetAfter = TimeSpan.FromDays(1),
    };

    /// <summary>
    /// One account from any client: slows guessing spread over many addresses. Short, because an attacker can trigger it;
    /// and the account's usual clients (<see cref="UsualClientFor"/>) are never held by it.
    /// </summary>
    public ThrottleLimit PerAccount { get; set; } = new()
    {
        FreeFailures = 20, FirstDelay = TimeSpan.FromSeconds(5), MaxDelay = TimeSpan.FromMinutes(1), ForgetAfter = TimeSpan.FromMinutes(15),
    };

    /// <summary>How long after a successful sign-in from a client address that client counts as the account's usual one.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan UsualClientFor { get; set; } = TimeSpan.FromDays(30);

    public sealed class ThrottleLimit : IValidatableObject
    {
        [Range(1, 10_000)]
        public int FreeFailures { get; set; }

        [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
        public TimeSpan FirstDelay { get; set; }

        [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
        public TimeSpan MaxDelay { get; set; }

        [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
        public TimeSpan ForgetAfter { get; set; }

        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
        {
            // A count forgotten before its delay ends would cut the delay short: the delays must fit inside ForgetAfter.
            if (MaxDelay < FirstDelay || MaxDelay > ForgetAfter)
            {
                yield return new ValidationResult("MaxDelay must be at least FirstDelay and at most ForgetAfter.", [nameof(MaxDelay)]);
            }
        }
    }
}
