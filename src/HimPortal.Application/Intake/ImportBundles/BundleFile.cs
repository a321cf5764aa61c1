using System.Buffers;
using System.Text.Json;

namespace HimPortal.Application.Intake.ImportBundles;

/// <summary>One bundle file to import: a name to report it by, its length as announced, and its content on demand.</summary>
public sealed record BundleFile(string Name, long Length, Func<Stream> Open)
{
    public static BundleFile FromPath(string path) =>
        new(path, new FileInfo(path).Length, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan));

    public static BundleFile FromBytes(string name, byte[] bytes) =>
        new(name, bytes.Length, () => new MemoryStream(bytes, writable: false));

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

                var read = await stream.ReadAsync(buffer.AsMemory(length), ct);
                if (read == 0)
                {
                    return new PooledBytes(buffer, length);
                }

                length += read;
                if (length > limit)
                {
                    throw new BundleProblemException(
                        $"{Name}: the file is over the limit of {maxBytes:N0} bytes (Intake:MaxBundleBytes)");
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
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
                while (length < HeadBytes && (read = await stream.ReadAsync(head.AsMemory(length, HeadBytes - length), ct)) > 0)
                {
                    length += read;
                }
            }

            if (BundleType(head.AsSpan(0, length), isFinalBlock: length < HeadBytes, out var type))
            {
                return type;
            }
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
        catch (BundleProblemException)
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

/// <summary>A file's bytes in a pooled buffer; disposing returns the buffer.</summary>
internal sealed class PooledBytes(byte[] buffer, int length) : IDisposable
{
    private byte[]? _buffer = buffer;

    public int Length => length;

    public ReadOnlyMemory<byte> Memory => (_buffer ?? throw new ObjectDisposedException(nameof(PooledBytes))).AsMemory(0, length);

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
