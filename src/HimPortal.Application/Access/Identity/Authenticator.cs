using System.Globalization;

namespace HimPortal.Application.Access.Identity;

/// <summary>
/// An authenticator app's secret as Identity keeps it (Base32, RFC 4648, in the user's tokens) and the otpauth:// address
/// apps read from a QR code (Key Uri Format: issuer, account, secret; SHA-1, 6 digits, 30 s, as <see cref="Totp"/>).
/// </summary>
public static class Authenticator
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static byte[] SecretOf(string base32Key)
    {
        ArgumentNullException.ThrowIfNull(base32Key);
        var bytes = new List<byte>(base32Key.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in base32Key.ToUpperInvariant())
        {
            if (c is '=' or ' ' or '-')
            {
                continue;
            }

            var value = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (value < 0)
            {
                throw new FormatException("An authenticator key is Base32.");
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }

        return [.. bytes];
    }

    /// <summary>The key in groups of four, as a person types it into an app.</summary>
    public static string Readable(string base32Key)
    {
        ArgumentNullException.ThrowIfNull(base32Key);
        return string.Join(' ', base32Key.ToLowerInvariant().Chunk(4).Select(group => new string(group)));
    }

    public static Uri KeyUri(string issuer, string account, string base32Key) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"otpauth://totp/{Uri.EscapeDataString(issuer)}:{Uri.EscapeDataString(account)}?secret={base32Key}&issuer={Uri.EscapeDataString(issuer)}&digits={Totp.Digits}&period={Totp.StepSeconds}"));
}
