using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using HimPortal.Data.Clinical;

namespace HimPortal.Data.Bulk;

/// <summary>
/// Rows in PostgreSQL's binary COPY format, encoded as they are added (a field count, then each field as a length and
/// the type's binary form), in a buffer from the shared pool. Encoding at once keeps nothing of a row alive but its
/// bytes: the import then holds a few megabytes of bytes per batch instead of object graphs the GC has to trace and copy.
/// Only the types the clinical tables use are here; ClinicalCopyMapTests fails for a column of any other type.
/// </summary>
public sealed class CopyBuffer : IDisposable
{
    private static readonly long TimestampEpochTicks = new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc).Ticks;
    private static readonly int DateEpochDay = new DateOnly(2000, 1, 1).DayNumber;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Slice(int offset, int length) => _buffer.AsMemory(offset, length);

    public void BeginRow(int columns) => BinaryPrimitives.WriteInt16BigEndian(Reserve(2), checked((short)columns));

    public void Null() => BinaryPrimitives.WriteInt32BigEndian(Reserve(4), -1);

    public void Uuid(Guid value)
    {
        var field = Field(16);
        value.TryWriteBytes(field, bigEndian: true, out _);
    }

    public void Uuid(Guid? value)
    {
        if (value is { } v)
        {
            Uuid(v);
        }
        else
        {
            Null();
        }
    }

    /// <summary>text and varchar alike (the server checks a varchar's length, as for any insert).</summary>
    public void Text(string? value)
    {
        if (value is null)
        {
            Null();
            return;
        }

        var start = Length;
        var target = Reserve(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var length = Encoding.UTF8.GetBytes(value, target[4..]);
        BinaryPrimitives.WriteInt32BigEndian(target, length);
        Length = start + 4 + length;
    }

    /// <summary>jsonb: a version byte (1), then the JSON text, which the server parses as for any insert.</summary>
    public void Jsonb(string? value)
    {
        if (value is null)
        {
            Null();
            return;
        }

        var start = Length;
        var target = Reserve(5 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var length = Encoding.UTF8.GetBytes(value, target[5..]);
        BinaryPrimitives.WriteInt32BigEndian(target, length + 1);
        target[4] = 1;
        Length = start + 5 + length;
    }

    /// <summary>
    /// A resource's JSON (a <c>json</c> column, whose binary form is the text itself): its UTF-8 bytes as the import read
    /// them when it has them, else its string.
    /// </summary>
    public void Resource(ClinicalResource row)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.ResourceUtf8.IsEmpty)
        {
            Text(row.Resource);
            return;
        }

        var json = row.ResourceUtf8.Span;
        json.CopyTo(Field(json.Length));
    }

    public void Bytea(byte[]? value)
    {
        if (value is null)
        {
            Null();
        }
        else
        {
            value.CopyTo(Field(value.Length));
        }
    }

    public void Bool(bool value) => Field(1)[0] = value ? (byte)1 : (byte)0;

    public void Bool(bool? value)
    {
        if (value is { } v)
        {
            Bool(v);
        }
        else
        {
            Null();
        }
    }

    public void Int2(short value) => BinaryPrimitives.WriteInt16BigEndian(Field(2), value);

    public void Int2(short? value)
    {
        if (value is { } v)
        {
            Int2(v);
        }
        else
        {
            Null();
        }
    }

    public void Int4(int value) => BinaryPrimitives.WriteInt32BigEndian(Field(4), value);

    public void Int4(int? value)
    {
        if (value is { } v)
        {
            Int4(v);
        }
        else
        {
            Null();
        }
    }

    /// <summary>date: days since 2000-01-01.</summary>
    public void Date(DateOnly value) => BinaryPrimitives.WriteInt32BigEndian(Field(4), value.DayNumber - DateEpochDay);

    public void Date(DateOnly? value)
    {
        if (value is { } v)
        {
            Date(v);
        }
        else
        {
            Null();
        }
    }

    /// <summary>timestamptz: microseconds since 2000-01-01 UTC (sub-microsecond ticks are cut off, as Npgsql does).</summary>
    public void TimestampTz(DateTimeOffset value) =>
        BinaryPrimitives.WriteInt64BigEndian(Field(8), (value.UtcTicks - TimestampEpochTicks) / 10);

    public void TimestampTz(DateTimeOffset? value)
    {
        if (value is { } v)
        {
            TimestampTz(v);
        }
        else
        {
            Null();
        }
    }

    /// <summary>
    /// numeric: base-10000 digits around the decimal point, with the value's own scale (123.40 stays 123.40, as Npgsql
    /// writes it): digit count, weight of the first digit, sign, display scale, digits.
    /// </summary>
    public void Numeric(decimal value)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        var negative = text[0] == '-';
        var unsigned = negative ? text.AsSpan(1) : text.AsSpan();
        var point = unsigned.IndexOf('.');
        var integer = point < 0 ? unsigned : unsigned[..point];
        var fraction = point < 0 ? [] : unsigned[(point + 1)..];

        // Groups of four digits: the integer part from the point leftwards, the fraction from the point rightwards.
        Span<short> digits = stackalloc short[16];
        var count = 0;
        var integerGroups = (integer.Length + 3) / 4;
        for (var g = 0; g < integerGroups; g++)
        {
            var end = integer.Length - ((integerGroups - 1 - g) * 4);
            digits[count++] = Group(integer[Math.Max(0, end - 4)..end], padRight: false);
        }

        for (var start = 0; start < fraction.Length; start += 4)
        {
            digits[count++] = Group(fraction[start..Math.Min(start + 4, fraction.Length)], padRight: true);
        }

        var weight = integerGroups - 1;
        var first = 0;
        while (first < count && digits[first] == 0)
        {
            first++;
            weight--;
        }

        var last = count;
        while (last > first && digits[last - 1] == 0)
        {
            last--;
        }

        var ndigits = last - first;
        var field = Field(8 + (2 * ndigits));
        BinaryPrimitives.WriteInt16BigEndian(field, (short)ndigits);
        BinaryPrimitives.WriteInt16BigEndian(field[2..], (short)(ndigits == 0 ? 0 : weight));
        BinaryPrimitives.WriteUInt16BigEndian(field[4..], negative && ndigits > 0 ? (ushort)0x4000 : (ushort)0);
        BinaryPrimitives.WriteInt16BigEndian(field[6..], (short)fraction.Length);
        for (var d = 0; d < ndigits; d++)
        {
            BinaryPrimitives.WriteInt16BigEndian(field[(8 + (2 * d))..], digits[first + d]);
        }

        static short Group(ReadOnlySpan<char> group, bool padRight)
        {
            var value = 0;
            foreach (var c in group)
            {
                value = (value * 10) + (c - '0');
            }

            for (var pad = group.Length; padRight && pad < 4; pad++)
            {
                value *= 10;
            }

            return (short)value;
        }
    }

    public void Numeric(decimal? value)
    {
        if (value is { } v)
        {
            Numeric(v);
        }
        else
        {
            Null();
        }
    }

    /// <summary>text[]: one dimension (none when empty), a null flag, the element type (text, oid 25), then the elements.</summary>
    public void TextArray(string[]? value)
    {
        if (value is null)
        {
            Null();
            return;
        }

        var start = Length;
        var header = Reserve(4 + (value.Length == 0 ? 12 : 20));
        BinaryPrimitives.WriteInt32BigEndian(header[4..], value.Length == 0 ? 0 : 1);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], value.Any(v => v is null) ? 1 : 0);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], 25);
        if (value.Length > 0)
        {
            BinaryPrimitives.WriteInt32BigEndian(header[16..], value.Length);
            BinaryPrimitives.WriteInt32BigEndian(header[20..], 1);
        }

        foreach (var element in value)
        {
            Text(element);
        }

        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(start), Length - start - 4);
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    /// <summary>A field of a known length: its length, then room for its bytes.</summary>
    private Span<byte> Field(int length)
    {
        var target = Reserve(4 + length);
        BinaryPrimitives.WriteInt32BigEndian(target, length);
        return target[4..];
    }

    /// <summary>Room for <paramref name="count"/> more bytes, counted as written (callers that write less set Length back).</summary>
    private Span<byte> Reserve(int count)
    {
        if (_buffer.Length - Length < count)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + count));
            _buffer.AsSpan(0, Length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var span = _buffer.AsSpan(Length, count);
        Length += count;
        return span;
    }
}
