using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using HimPortal.Data.Auditing;

namespace HimPortal.Application.Auditing;

/// <summary>
/// The tamper-evidence of the access audit: each row's SHA-256 covers its content and the previous row's hash in its lane.
/// The encoding is versioned and length-prefixed, so no two different rows encode alike. See docs/adr/0003-access-audit.md.
/// </summary>
public static class AuditChain
{
    /// <summary>Lanes are independent chains, so that appends from concurrent requests share commits instead of queueing.</summary>
    public const int Lanes = 16;

    private const byte FormatVersion = 2;

    public static byte[] Genesis => new byte[32];

    /// <summary>PostgreSQL keeps microseconds; the hash must cover exactly what is stored.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }

    /// <summary>The row's link: SHA-256 over the previous hash, the lane, the sequence number and the content digest.</summary>
    public static byte[] ComputeHash(AccessEvent row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Link(row.PrevHash, row.Lane, row.LaneSeq, ContentDigest(row));
    }

    /// <summary>
    /// The link is this simple on purpose: PostgreSQL computes the same bytes in the INSERT
    /// (<c>sha256(prev || int2send(lane) || int8send(seq) || digest)</c>), so an append is one round trip.
    /// </summary>
    public static byte[] Link(ReadOnlySpan<byte> previousHash, short lane, long laneSeq, ReadOnlySpan<byte> contentDigest)
    {
        Span<byte> buffer = stackalloc byte[32 + 2 + 8 + 32];
        previousHash.CopyTo(buffer);
        BinaryPrimitives.WriteInt16BigEndian(buffer[32..], lane);
        BinaryPrimitives.WriteInt64BigEndian(buffer[34..], laneSeq);
        contentDigest.CopyTo(buffer[42..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>SHA-256 over every content column (not the chain columns), versioned and length-prefixed.</summary>
    public static byte[] ContentDigest(AccessEvent row)
    {
        ArgumentNullException.ThrowIfNull(row);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[8];
        hash.AppendData([FormatVersion]);
        Append(hash, row.Id.ToString("D"));
        var micros = (ToStoredPrecision(row.OccurredAt).Ticks - DateTimeOffset.UnixEpoch.Ticks) / 10;
        BinaryPrimitives.WriteInt64BigEndian(buffer, micros);
        hash.AppendData(buffer);
        Append(hash, row.UserId?.ToString("D"));
        Append(hash, row.UserName);
        BinaryPrimitives.WriteInt32BigEndian(buffer, row.Roles.Length);
        hash.AppendData(buffer[..4]);
        foreach (var role in row.Roles)
        {
            Append(hash, role);
        }

        Append(hash, row.Action);
        Append(hash, row.Outcome);
        Append(hash, row.PatientId?.ToString("D"));
        Append(hash, row.ResourceType);
        Append(hash, row.ResourceId);
        Append(hash, row.Purpose);
        Append(hash, row.Details);
        Append(hash, row.ClientIp);
        Append(hash, row.UserAgent);
        Append(hash, row.CorrelationId);
        return hash.GetHashAndReset();
    }

    private static void Append(IncrementalHash hash, string? value)
    {
        Span<byte> length = stackalloc byte[4];
        if (value is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(length, -1);
            hash.AppendData(length);
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
