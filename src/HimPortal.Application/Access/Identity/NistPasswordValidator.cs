using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Access.Identity;

/// <summary>
/// Password rules after NIST SP 800-63B: a minimum length (15 for single-factor sign-in), a generous maximum, no
/// composition rules, and a check against commonly used and easily guessed passwords. zxcvbn (Dropbox's estimator)
/// carries the lists of common passwords, words and names, and spots keyboard walks, repeats, sequences and dates;
/// the user's own e-mail and name and the product's name count as guessable too.
/// </summary>
public sealed class NistPasswordValidator(IOptions<IdentityOptions> options) : IPasswordValidator<HimUser>
{
    public const int MaximumLength = 128;

    /// <summary>zxcvbn score 3: "safely unguessable: moderate protection from offline slow-hash scenario".</summary>
    private const int MinimumScore = 3;

    public Task<IdentityResult> ValidateAsync(UserManager<HimUser> manager, HimUser user, string? password)
    {
        ArgumentNullException.ThrowIfNull(user);
        var problem = Check(password ?? string.Empty, options.Value.Password.RequiredLength, user.Email, user.DisplayName);
        return Task.FromResult(problem is null
            ? IdentityResult.Success
            : IdentityResult.Failed(new IdentityError { Code = "WeakPassword", Description = problem }));
    }

    public static string? Check(string password, int minimumLength, string? email, string? displayName)
    {
        if (password.Length < minimumLength)
        {
            return $"The password must be at least {minimumLength} characters long (a passphrase of several words is easiest).";
        }

        if (password.Length > MaximumLength)
        {
            return $"The password must be at most {MaximumLength} characters long.";
        }

        var context = new List<string> { "himportal", "him portal", "hospital", "health information" };
        if (!string.IsNullOrWhiteSpace(email))
        {
            context.Add(email);
            context.Add(email.Split('@')[0]);
        }

        if (!string.IsNullOrWhiteSpace(displayName))
        {
            context.Add(displayName);
            context.AddRange(displayName.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }

        var estimate = Zxcvbn.Zxcvbn.MatchPassword(password, context);
        return estimate.Score < MinimumScore
            ? "The password is too common or too easy to guess (a known password, a word list, a keyboard pattern, or your own name or e-mail). Choose a longer, less predictable passphrase."
            : null;
    }
}
