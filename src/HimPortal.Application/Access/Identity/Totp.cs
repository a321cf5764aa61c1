using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using HimPortal.Application.Common.Throttles;

namespace HimPortal.Application.Access.Identity;

/// <summary>Time-based one-time passwords, RFC 6238 over HOTP (RFC 4226): HMAC-SHA1, 30-second steps, 6 digits.</summary>
public static class Totp
{
    public const int StepSeconds = 30;
    public const int Digits = 6;

    /// <summary>Steps either side of now a code is still accepted for (RFC 6238 section 5.2: clock drift and typing time).</summary>
    public const int AllowedDrift = 1;

    /// <summary>The step (RFC 6238's T) an instant falls in: whole 30-second steps since the Unix epoch.</summary>
    public static long StepAt(DateTimeOffset instant) => Math.DivRem(instant.ToUnixTimeSeconds(), StepSeconds, out var rest) - (rest < 0 ? 1 : 0);

    /// <summary>The code for <paramref name="step"/>: HOTP's dynamic truncation of HMAC-SHA1(secret, step), the low <paramref name="digits"/> digits.</summary>
    public static string Compute(ReadOnlySpan<byte> secret, long step, int digits = Digits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 6);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(digits, 8);
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> mac = stackalloc byte[HMACSHA1.HashSizeInBytes];
        // SHA-1 is what RFC 6238 authenticator apps implement; as an HMAC it is not weakened by SHA-1's collisions.
#pragma warning disable CA5350 // RFC 6238's default algorithm, required for interoperability with authenticator apps.
        HMACSHA1.HashData(secret, counter, mac);
#pragma warning restore CA5350
        var offset = mac[^1] & 0x0f;
        var binary = BinaryPrimitives.ReadInt32BigEndian(mac[offset..]) & 0x7fffffff;
        var modulus = (int)Math.Pow(10, digits);
        return (binary % modulus).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0');
    }
}

public enum TotpResult
{
    Accepted,

    /// <summary>Not the code of any step within the drift allowed.</summary>
    Rejected,

    /// <summary>The right code, but it was accepted before (on this node or another).</summary>
    Replayed,

    /// <summary>Too many attempts for this user just now; the code was not even checked.</summary>
    Throttled,
}

/// <summary>
/// Checks a user's TOTP code: right for this step or one step either side, never accepted before (<see cref="OneTimeCodes"/>),
/// and no more than <see cref="AttemptsPerWindow"/> attempts per user per <see cref="AttemptWindow"/> (NIST SP 800-63B
/// 5.2.2, rate limiting: a million codes must not be guessable by trying them).
/// </summary>
public sealed class TotpVerifier(OneTimeCodes codes, Throttle throttle, TimeProvider clock)
{
    public const string Purpose = "totp";
    public const int AttemptsPerWindow = 5;
    public static readonly TimeSpan AttemptWindow = TimeSpan.FromMinutes(5);

    public async Task<TotpResult> VerifyAsync(Guid userId, byte[] secret, string code, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var attempt = await throttle.TryAcquireAsync($"totp:{userId:D}", AttemptsPerWindow, AttemptWindow, ct);
        if (!attempt.Allowed)
        {
            return TotpResult.Throttled;
        }

        var typed = (code ?? "").Trim();
        if (typed.Length != Totp.Digits || !typed.All(char.IsAsciiDigit))
        {
            return TotpResult.Rejected;
        }

        var now = Totp.StepAt(clock.GetUtcNow());
        long? matched = null;
        var typedBytes = Encoding.ASCII.GetBytes(typed);
        // Every candidate is compared, in constant time, so timing tells nothing about which step (if any) matched.
        for (var step = now - Totp.AllowedDrift; step <= now + Totp.AllowedDrift; step++)
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Totp.Compute(secret, step)), typedBytes))
            {
                matched ??= step;
            }
        }

        if (matched is not { } used)
        {
            return TotpResult.Rejected;
        }

        // The code stays acceptable until the step after it ends (the drift); one more step covers nodes' clock skew.
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds((used + Totp.AllowedDrift + 2) * Totp.StepSeconds);
        return await codes.TryUseAsync(userId, Purpose, typed, used, expiresAt, ct) ? TotpResult.Accepted : TotpResult.Replayed;
    }
}
