using System.Security.Cryptography;
using System.Text;

namespace HimPortal.Application.Portal.Activation;

/// <summary>
/// The one-time code printed on an activation letter: 12 characters from 30 that cannot be mistaken for each other when
/// read off paper (no 0/O, 1/I/L, U), about 58.9 bits, shown in groups of four. Only its SHA-256 is stored; the code
/// is random enough that the hash cannot be reversed by guessing, and guessing online is bounded by the attempts per
/// code and the portal's rate limits.
/// </summary>
public static class ActivationCodeText
{
    private const string Alphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789";

    public const int Length = 12;

    public static string NewCode() => Grouped(RandomNumberGenerator.GetString(Alphabet, Length));

    /// <summary>As typed: spaces, hyphens and case ignored.</summary>
    public static string Normalize(string? typed) =>
        new string((typed ?? "").Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray());

    public static byte[] Hash(string typed) => SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(typed)));

    private static string Grouped(string code) => string.Join('-', code.Chunk(4).Select(c => new string(c)));
}
