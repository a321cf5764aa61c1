using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using HimPortal.Data.Audit;

namespace HimPortal.Application.Audit;

/// <summary>
/// The tamper-evidence of the access audit: each row's SHA-256 covers its content and the previous row's hash in its lane.
/// The encoding is versioned and length-prefixed, so no two different rows encode alike. See docs/adr/0003-access-audit.md.
/// <para>
/// Two row formats verify side by side (docs/adr/0020-audit-time-and-outside-anchors.md): format 2 digests the time the
/// writer gave with the content; format 3 leaves the time out of the digest and puts the time audit.append stamped into
/// the link, so the caller, which must send its digest before the database picks the time, still needs one round trip.
/// </para>
/// </summary>
public static class AuditChain
{
    /// <summary>Lanes are independent chains, so that appends from concurrent requests share commits instead of queueing.</summary>
    public const int Lanes = 16;

    /// <summary>PostgreSQL's epoch: timestamptz_send gives microseconds since then, which the format-3 link covers.</summary>
    private static readonly long PostgresEpochTicks = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero).Ticks;

    public static byte[] Genesis => new byte[32];

    /// <summary>PostgreSQL keeps microseconds; the hash must cover exactly what is stored.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }

    /// <summary>The row's link: SHA-256 over the previous hash, the lane, the sequence number, (format 3) the time, and the content digest.</summary>
    public static byte[] ComputeHash(AccessEvent row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Link(row, ContentDigest(row));
    }

    /// <summary>The link of <paramref name="row"/> in its format, from its content digest.</summary>
    public static byte[] Link(AccessEvent row, ReadOnlySpan<byte> contentDigest)
    {
        ArgumentNullException.ThrowIfNull(row);
        return row.Format == AccessEvent.WriterTimedFormat
            ? Link(row.PrevHash, row.Lane, row.LaneSeq, contentDigest)
            : TimedLink(row.PrevHash, row.Lane, row.LaneSeq, row.OccurredAt, contentDigest);
    }

    /// <summary>
    /// The format-3 link, as audit.append computes it: <c>sha256(prev || int2send(lane) || int8send(seq) ||
    /// timestamptz_send(occurred_at) || digest)</c>, the time being the one the database stamped.
    /// </summary>
    public static byte[] TimedLink(ReadOnlySpan<byte> previousHash, short lane, long laneSeq, DateTimeOffset occurredAt, ReadOnlySpan<byte> contentDigest)
    {
        Span<byte> buffer = stackalloc byte[32 + 2 + 8 + 8 + 32];
        previousHash.CopyTo(buffer);
        BinaryPrimitives.WriteInt16BigEndian(buffer[32..], lane);
        BinaryPrimitives.WriteInt64BigEndian(buffer[34..], laneSeq);
        BinaryPrimitives.WriteInt64BigEndian(buffer[42..], (ToStoredPrecision(occurredAt).Ticks - PostgresEpochTicks) / 10);
        contentDigest.CopyTo(buffer[50..]);
        return SHA256.HashData(buffer);
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

    /// <summary>
    /// SHA-256 over every content column (not the chain columns), versioned and length-prefixed; the time only in
    /// format 2 (in format 3 the link covers it).
    /// </summary>
    public static byte[] ContentDigest(AccessEvent row)
    {
        var digest = new byte[32];
        ContentDigest(row, digest);
        return digest;
    }

    /// <summary>
    /// The same digest into <paramref name="destination"/>, encoding the row into one pooled buffer and hashing it once:
    /// verification and <c>audit generate</c> do this for every one of tens of millions of rows.
    /// </summary>
    public static void ContentDigest(AccessEvent row, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(row);
        var size = 1 + 8 + 4 + 13 * 4 + 36 * 3;
        size += Utf8Length(row.UserName) + Utf8Length(row.Action) + Utf8Length(row.Outcome) + Utf8Length(row.ResourceType)
                + Utf8Length(row.ResourceId) + Utf8Length(row.Purpose) + Utf8Length(row.Details) + Utf8Length(row.ClientIp)
                + Utf8Length(row.UserAgent) + Utf8Length(row.CorrelationId);
        foreach (var role in row.Roles)
        {
            size += 4 + Utf8Length(role);
        }

        var rented = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var buffer = rented.AsSpan();
            var at = 0;
            var writerTimed = row.Format == AccessEvent.WriterTimedFormat;
            buffer[at++] = writerTimed ? (byte)AccessEvent.WriterTimedFormat : (byte)AccessEvent.DatabaseTimedFormat;
            at += WriteGuid(buffer[at..], row.Id);
            if (writerTimed)
            {
                var micros = (ToStoredPrecision(row.OccurredAt).Ticks - DateTimeOffset.UnixEpoch.Ticks) / 10;
                BinaryPrimitives.WriteInt64BigEndian(buffer[at..], micros);
                at += 8;
            }
            at += WriteGuid(buffer[at..], row.UserId);
            at += WriteString(buffer[at..], row.UserName);
            BinaryPrimitives.WriteInt32BigEndian(buffer[at..], row.Roles.Length);
            at += 4;
            foreach (var role in row.Roles)
            {
                at += WriteString(buffer[at..], role);
            }

            at += WriteString(buffer[at..], row.Action);
            at += WriteString(buffer[at..], row.Outcome);
            at += WriteGuid(buffer[at..], row.PatientId);
            at += WriteString(buffer[at..], row.ResourceType);
            at += WriteString(buffer[at..], row.ResourceId);
            at += WriteString(buffer[at..], row.Purpose);
            at += WriteString(buffer[at..], row.Details);
            at += WriteString(buffer[at..], row.ClientIp);
            at += WriteString(buffer[at..], row.UserAgent);
            at += WriteString(buffer[at..], row.CorrelationId);
            SHA256.HashData(buffer[..at], destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static int Utf8Length(string? value) => value is null ? 0 : Encoding.UTF8.GetByteCount(value);

    /// <summary>A Guid as its 36-character "D" text, length-prefixed like any other string; null as length -1.</summary>
    private static int WriteGuid(Span<byte> buffer, Guid? value)
    {
        if (value is not { } guid)
        {
            BinaryPrimitives.WriteInt32BigEndian(buffer, -1);
            return 4;
        }

        BinaryPrimitives.WriteInt32BigEndian(buffer, 36);
        guid.TryFormat(buffer.Slice(4, 36), out _, "D");
        return 40;
    }

    private static int WriteString(Span<byte> buffer, string? value)
    {
        if (value is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(buffer, -1);
            return 4;
        }

        var written = Encoding.UTF8.GetBytes(value, buffer[4..]);
        BinaryPrimitives.WriteInt32BigEndian(buffer, written);
        return 4 + written;
    }
}
