using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;

namespace HimPortal.Application.Intake.ImportBundles;

/// <summary>
/// One bundle file to import: a name to report it by, its length as announced, and its content on demand (decompressed
/// when <paramref name="Compressed"/>: a gzip file, whose length as announced is the one its trailer gives).
/// </summary>
public sealed record BundleFile(string Name, long Length, Func<Stream> Open, bool Compressed = false)
{
    /// <summary>A file on disk: a name ending in .gz is read through gzip.</summary>
    public static BundleFile FromPath(string path) =>
        path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new(path, GzipLength(path), () => new GZipStream(OpenFile(path), CompressionMode.Decompress), Compressed: true)
            : new(path, new FileInfo(path).Length, () => OpenFile(path));

    /// <summary>Bytes received (an upload): a name ending in .gz is read through gzip, as a file on disk is.</summary>
    public static BundleFile FromBytes(string name, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(bytes);
        return name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new(name, bytes.Length < GzipMinimumBytes ? bytes.Length : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)),
                () => new GZipStream(new MemoryStream(bytes, writable: false), CompressionMode.Decompress), Compressed: true)
            : new(name, bytes.Length, () => new MemoryStream(bytes, writable: false));
    }

    private static FileStream OpenFile(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);

    /// <summary>Shortest gzip file: a 10-byte header and an 8-byte trailer (CRC-32, then the length modulo 2^32).</summary>
    private const int GzipMinimumBytes = 18;

    /// <summary>
    /// The decompressed length a gzip file's trailer announces (RFC 1952: ISIZE, the last 4 bytes, little-endian), which
    /// sizes the read buffer and orders the import; the file's own length when it has no trailer to read. The limit on
    /// what is read holds whatever it says (<see cref="ReadAsync"/>).
    /// </summary>
    private static long GzipLength(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            if (file.Length < GzipMinimumBytes)
            {
                return file.Length;
            }

            Span<byte> size = stackalloc byte[4];
            file.Seek(-4, SeekOrigin.End);
            file.ReadExactly(size);
            return BinaryPrimitives.ReadUInt32LittleEndian(size);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0; // reading the file itself will say what is wrong
        }
    }

    private static ReadOnlySpan<byte> ByteOrderMark => [0xEF, 0xBB, 0xBF];

    /// <summary>How much of a file the first pass reads to find Bundle.type (Synthea and most exporters put it first).</summary>
    private const int HeadBytes = 16 * 1024;

    /// <summary>
    /// The whole content, in a buffer from the shared pool (dispose to return it): a run reads tens of megabytes, and a
    /// fresh array per file costs more in page faults and zeroing than reading it. More than <paramref name="maxBytes"/>
    /// is refused whatever <see cref="Length"/> announced.
    /// </summary>
    internal async Task<PooledBytes> ReadAsync(long maxBytes, CancellationToken ct)
    {
        var limit = (int)Math.Min(maxBytes, Array.MaxLength - 1);
        await using var stream = Open();
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Clamp(Length + 1, 1, limit + 1L));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, limit + 1L));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await ReadCheckedAsync(stream, buffer.AsMemory(length), ct);
                if (read == 0)
                {
                    // A gzip file cut short decompresses to what it has, without an error: its last bytes are then not
                    // the trailer, and the length they give is not the length read.
                    if (Compressed && (uint)length != Length)
                    {
                        throw new BundleProblemException(
                            $"{Name}: the gzip file is cut short or damaged (it decompresses to {length:N0} bytes, its trailer says {Length:N0})");
                    }

                    // A UTF-8 byte-order mark (RFC 8259 lets a parser ignore it; Windows tools write it) is not JSON.
                    return new PooledBytes(buffer, length, buffer.AsSpan(0, length).StartsWith(ByteOrderMark) ? ByteOrderMark.Length : 0);
                }

                length += read;
                if (length > limit)
                {
                    throw new BundleProblemException(Compressed
                        ? $"{Name}: decompressed, the file is over the limit of {maxBytes:N0} bytes (Intake:MaxBundleBytes)"
                        : $"{Name}: the file is over the limit of {maxBytes:N0} bytes (Intake:MaxBundleBytes)");
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>One read; gzip content that does not decompress is the file's problem, named like any other.</summary>
    private async ValueTask<int> ReadCheckedAsync(Stream stream, Memory<byte> into, CancellationToken ct)
    {
        try
        {
            return await stream.ReadAsync(into, ct);
        }
        catch (InvalidDataException) when (Compressed)
        {
            // The exception's own message ("unsupported compression method") says nothing useful about the file.
            throw new BundleProblemException($"{Name}: not a readable gzip file (damaged, or not gzip at all)");
        }
    }

    /// <summary>Bundle.type, from the head of the file if it is there, else from the whole file; null when unreadable.</summary>
    internal async Task<string?> BundleTypeAsync(long maxBytes, CancellationToken ct)
    {
        var head = ArrayPool<byte>.Shared.Rent(HeadBytes);
        try
        {
            var length = 0;
            await using (var stream = Open())
            {
                int read;
                while (length < HeadBytes && (read = await ReadCheckedAsync(stream, head.AsMemory(length, HeadBytes - length), ct)) > 0)
                {
                    length += read;
                }
            }

            var json = head.AsSpan(0, length);
            if (BundleType(json.StartsWith(ByteOrderMark) ? json[ByteOrderMark.Length..] : json, isFinalBlock: length < HeadBytes, out var type))
            {
                return type;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null; // the import itself names the problem (a file that cannot be read fails alone)
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }

        try
        {
            using var all = await ReadAsync(maxBytes, ct);
            return BundleType(all.Span, isFinalBlock: true, out var type) ? type : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null; // the import itself names the problem
        }
    }

    /// <summary>Reads the top-level "type" string; false when <paramref name="json"/> ends before it could be found.</summary>
    private static bool BundleType(ReadOnlySpan<byte> json, bool isFinalBlock, out string? type)
    {
        type = null;
        try
        {
            var reader = new Utf8JsonReader(json, isFinalBlock, default);
            if (!reader.Read())
            {
                return isFinalBlock;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return true;
            }

            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    return true;
                }

                var isType = reader.ValueTextEquals("type"u8);
                if (!reader.Read())
                {
                    return isFinalBlock;
                }

                if (isType)
                {
                    type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    return true;
                }

                if (!reader.TrySkip())
                {
                    return isFinalBlock;
                }
            }

            return isFinalBlock;
        }
        catch (JsonException)
        {
            return true; // the import itself names the problem
        }
    }
}

/// <summary>A file's bytes in a pooled buffer, from <paramref name="start"/> (past a byte-order mark); disposing returns the buffer.</summary>
internal sealed class PooledBytes(byte[] buffer, int length, int start = 0) : IDisposable
{
    private byte[]? _buffer = buffer;

    public int Length => length - start;

    public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(PooledBytes))).AsMemory(start, length - start);

    public ReadOnlySpan<byte> Span => Memory.Span;

    public void Dispose()
    {
        if (_buffer is { } b)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(b);
        }
    }
}
