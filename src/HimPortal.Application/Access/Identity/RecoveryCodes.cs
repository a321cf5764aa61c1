using System.Security.Cryptography;
using System.Text;
using HimPortal.Data.Identity;
using Microsoft.AspNetCore.Identity;

namespace HimPortal.Application.Access.Identity;

/// <summary>
/// Ten recovery codes for an account with an authenticator, for the day the phone is lost (NIST SP 800-63B 5.1.2,
/// look-up secrets): shown once when made, kept only as SHA-256 hashes in Identity's user tokens, each accepted once at
/// the code page. Making a new set voids the old one. Identity's own recovery codes are not used: it keeps them readable.
/// </summary>
public sealed class RecoveryCodes(UserManager<HimUser> users)
{
    public const int Count = 10;
    private const string Provider = "[HimPortal]";
    private const string Name = "RecoveryCodeHashes";
    private const string Alphabet = "abcdefghjkmnpqrstvwxyz23456789";
    private const int Length = 10;

    /// <summary>A recovery code has letters; an authenticator's code is six digits.</summary>
    public static bool LooksLikeOne(string? typed)
    {
        var normalized = Normalize(typed);
        return normalized.Length == Length && normalized.Any(char.IsLetter);
    }

    /// <summary>Makes a new set, replacing any older one, and returns the codes to show once.</summary>
    public async Task<IReadOnlyList<string>> ReplaceAsync(HimUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var codes = Enumerable.Range(0, Count).Select(_ => RandomNumberGenerator.GetString(Alphabet, Length))
            .Select(code => code[..5] + "-" + code[5..]).ToList();
        Check(await users.SetAuthenticationTokenAsync(user, Provider, Name, string.Join(';', codes.Select(Hash))));
        return codes;
    }

    /// <summary>Accepts the code once: true when it was one of the account's unused codes (it is then spent).</summary>
    public async Task<bool> RedeemAsync(HimUser user, string typed)
    {
        ArgumentNullException.ThrowIfNull(user);
        var stored = await StoredAsync(user);
        var hash = Hash(typed);
        var index = stored.FindIndex(h => CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(h), Convert.FromBase64String(hash)));
        if (index < 0)
        {
            return false;
        }

        stored.RemoveAt(index);
        // Through UserManager: the user's concurrency stamp makes a second, simultaneous use of the same code fail.
        Check(await users.SetAuthenticationTokenAsync(user, Provider, Name, string.Join(';', stored)));
        return true;
    }

    public async Task<int> LeftAsync(HimUser user) => (await StoredAsync(user)).Count;

    private async Task<List<string>> StoredAsync(HimUser user) =>
        [.. ((await users.GetAuthenticationTokenAsync(user, Provider, Name)) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)];

    private static string Normalize(string? typed) => new((typed ?? "").Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());

    private static string Hash(string code) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(code))));

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException("The recovery codes could not be saved: " + string.Join(" ", result.Errors.Select(e => e.Code)));
        }
    }
}
