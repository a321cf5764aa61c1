using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace HimPortal.Application.Intake.ImportBundles;

/// <summary>
/// The canonical compact form of JSON, which the record stores and its source hash covers: no whitespace between
/// tokens, and every string with the fewest escapes (only a quote, a backslash and control characters; anything else as
/// plain UTF-8). Two serialisations of the same resource, pretty or compact, "é" or "\u00e9", "+" or "\u002B", give the
/// same bytes, so a re-export by another system is no change. Strings without a backslash, nearly all of them, are
/// copied as they are, at memory speed. The bundle is parsed in this form (a third fewer bytes than pretty-printed
/// JSON), so it must not make invalid JSON valid: whitespace that separates two tokens with no comma, colon or bracket
/// between them (as in "[1 2]") is kept, and a malformed escape is copied as it is, for the parser to reject.
/// </summary>
internal static class CompactJson
{
    /// <summary>
    /// Writes the canonical compact form of <paramref name="json"/> to <paramref name="target"/> (at least as long);
    /// returns its length, or -1 when a string is not closed (the JSON is invalid).
    /// </summary>
    public static int Minify(ReadOnlySpan<byte> json, Span<byte> target)
    {
        // Never longer than the input: whitespace is dropped and a decoded escape is no longer than the escape.
        if (target.Length < json.Length)
        {
            throw new ArgumentException("The target must be at least as long as the JSON.", nameof(target));
        }

        var written = 0;
        var i = 0;
        while (i < json.Length)
        {
            var b = json[i];
            if (b == (byte)'"')
            {
                var length = StringLength(json[i..], out var escaped);
                if (length < 0)
                {
                    return -1;
                }

                written += escaped
                    ? CanonicalString(json.Slice(i, length), target[written..])
                    : Copy(json.Slice(i, length), target[written..]);
                i += length;
            }
            else if (IsWhitespace(b))
            {
                // Indentation comes in runs: skipped a vector at a time.
                var run = json[(i + 1)..].IndexOfAnyExcept(Whitespace);
                var end = run < 0 ? json.Length : i + 1 + run;

                if (written > 0 && end < json.Length && !IsStructural(target[written - 1]) && !IsStructural(json[end]))
                {
                    written += Copy(json[i..end], target[written..]);
                }

                i = end;
            }
            else
            {
                target[written++] = b;
                i++;
            }
        }

        return written;
    }

    private static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \n\r\t"u8);

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t';

    private static bool IsStructural(byte b) => b is (byte)'{' or (byte)'}' or (byte)'[' or (byte)']' or (byte)':' or (byte)',';

    /// <summary>The length of the string token at the start of <paramref name="json"/>, quotes included; -1 if it is not closed.</summary>
    private static int StringLength(ReadOnlySpan<byte> json, out bool escaped)
    {
        escaped = false;
        var i = 1;
        while (i < json.Length)
        {
            var next = json[i..].IndexOfAny((byte)'"', (byte)'\\');
            if (next < 0)
            {
                return -1;
            }

            i += next;
            if (json[i] == (byte)'"')
            {
                return i + 1;
            }

            escaped = true;
            i += 2;
        }

        return -1;
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> target)
    {
        source.CopyTo(target);
        return source.Length;
    }

    /// <summary>Rewrites one string token (quotes included) with the fewest escapes.</summary>
    private static int CanonicalString(ReadOnlySpan<byte> token, Span<byte> target)
    {
        var written = 0;
        target[written++] = (byte)'"';
        var body = token[1..^1];
        var i = 0;
        while (i < body.Length)
        {
            var run = body[i..].IndexOf((byte)'\\');
            if (run < 0)
            {
                run = body.Length - i;
            }

            body.Slice(i, run).CopyTo(target[written..]);
            written += run;
            i += run;
            if (i == body.Length)
            {
                break;
            }

            var kind = body[i + 1];
            if (kind != (byte)'u')
            {
                // \" \\ \b \f \n \r \t stay as they are; "\/" is only a slash.
                if (kind == (byte)'/')
                {
                    target[written++] = (byte)'/';
                }
                else
                {
                    target[written++] = (byte)'\\';
                    target[written++] = kind;
                }

                i += 2;
                continue;
            }

            if (i + 6 > body.Length || Hex(body.Slice(i + 2, 4)) is not { } unit)
            {
                // Not an escape JSON knows: left as it is, for the parser to reject.
                body[i..].CopyTo(target[written..]);
                written += body.Length - i;
                break;
            }

            i += 6;
            if (char.IsHighSurrogate((char)unit) && i + 6 <= body.Length && body[i] == (byte)'\\' && body[i + 1] == (byte)'u'
                && Hex(body.Slice(i + 2, 4)) is { } low && char.IsLowSurrogate((char)low))
            {
                written += new Rune((char)unit, (char)low).EncodeToUtf8(target[written..]);
                i += 6;
            }
            else
            {
                written += Unit(unit, target[written..]);
            }
        }

        target[written++] = (byte)'"';
        return written;
    }

    /// <summary>One UTF-16 code unit from a \u escape: escaped only where JSON requires it (or where UTF-8 cannot say it).</summary>
    private static int Unit(int unit, Span<byte> target)
    {
        var shortEscape = unit switch
        {
            '"' => (byte)'"',
            '\\' => (byte)'\\',
            '\b' => (byte)'b',
            '\f' => (byte)'f',
            '\n' => (byte)'n',
            '\r' => (byte)'r',
            '\t' => (byte)'t',
            _ => (byte)0,
        };
        if (shortEscape != 0)
        {
            target[0] = (byte)'\\';
            target[1] = shortEscape;
            return 2;
        }

        if (unit < 0x20 || char.IsSurrogate((char)unit))
        {
            // A control character, or half a surrogate pair, which UTF-8 cannot carry: lower-case \u00xx.
            target[0] = (byte)'\\';
            target[1] = (byte)'u';
            Utf8Formatter.TryFormat(unit, target[2..], out _, new System.Buffers.StandardFormat('x', 4));
            return 6;
        }

        return new Rune(unit).EncodeToUtf8(target);
    }

    private static int? Hex(ReadOnlySpan<byte> digits)
    {
        var value = 0;
        foreach (var d in digits)
        {
            var digit = d is >= (byte)'0' and <= (byte)'9' ? d - '0' : (d | 0x20) is >= 'a' and <= 'f' ? (d | 0x20) - 'a' + 10 : -1;
            if (digit < 0)
            {
                return null;
            }

            value = (value << 4) | digit;
        }

        return value;
    }
}
