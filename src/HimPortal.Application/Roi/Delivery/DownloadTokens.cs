using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace HimPortal.Application.Roi.Delivery;

/// <summary>
/// Secure download link tokens: 32 random bytes, base64url (43 characters), shown once to the specialist and in the
/// requester's e-mail; only the SHA-256 of the token's text is stored, so the table cannot serve a download by itself.
/// </summary>
public static class DownloadTokens
{
    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        return SHA256.HashData(Encoding.ASCII.GetBytes(token));
    }

    /// <summary>Whether the text can be a token at all (checked before any database lookup).</summary>
    public static bool LooksValid(string? token) =>
        token is { Length: 43 } && token.All(c => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_');

    /// <summary>The link: the token in the query string, which the request log never records (it logs paths only).</summary>
    public static string Path(string token) => "/Release?token=" + token;
}

/// <summary>A download link's outcome as DownloadEvent.Outcome stores it.</summary>
public static class DownloadOutcomes
{
    public const string Served = "served";
    public const string Expired = "expired";
    public const string Exhausted = "exhausted";
    public const string Revoked = "revoked";
}
