using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using HimPortal.Application.Clinical;

namespace HimPortal.Application.Intake.ImportBundles;

/// <summary>The kinds of text the record maps, each with its limit (<see cref="IntakeLimits"/>).</summary>
internal enum TextKind
{
    Text,
    Name,
    Code,
    Note,
}

/// <summary>
/// Small readers over FHIR JSON: the handful of datatypes the record keeps (CodeableConcept, Reference, dateTime, …).
/// Each checks what it reads against its FHIR R4 primitive type (string, code, date, dateTime, decimal, integer, boolean)
/// and the record's limits, and throws <see cref="FhirValueException"/> on the element that is wrong: a value of the
/// wrong type is refused, never read as absent (issue 14). An element that is absent, or JSON null, is absent.
/// </summary>
internal static partial class Fhir
{
    /// <summary>
    /// The limits of the bundle being mapped on this thread: mapping a bundle is synchronous and runs on one thread, and
    /// every reader would otherwise need them passed in (<see cref="UseLimits"/>).
    /// </summary>
    [ThreadStatic]
    private static IntakeLimits? t_limits;

    private static readonly IntakeLimits DefaultLimits = new();

    public static void UseLimits(IntakeLimits limits) => t_limits = limits;

    private static IntakeLimits Limits => t_limits ?? DefaultLimits;

    /// <summary>A string element, held to the limit of its <paramref name="kind"/>.</summary>
    public static string? Str(this JsonElement element, string name, TextKind kind = TextKind.Text)
    {
        if (!Property(element, name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            throw new FhirValueException(value, "must be a string");
        }

        var text = value.GetString()!;
        CheckLength(value, text.Length, kind);
        return text;
    }

    /// <summary>The strings of an array property, each held to the limit of <paramref name="kind"/>.</summary>
    public static List<string> Strings(this JsonElement element, string name, TextKind kind = TextKind.Text)
    {
        var strings = new List<string>();
        foreach (var item in element.Arr(name))
        {
            var text = item.ValueKind == JsonValueKind.String ? item.GetString()! : throw new FhirValueException(item, "must be a string");
            CheckLength(item, text.Length, kind);
            strings.Add(text);
        }

        return strings;
    }

    /// <summary>A FHIR code: a string of non-whitespace runs separated by single spaces (R4 <c>[^\s]+( [^\s]+)*</c>).</summary>
    public static string? CodeValue(this JsonElement element, string name)
    {
        if (element.Str(name, TextKind.Code) is not { } code)
        {
            return null;
        }

        return IsCode(code) ? code : throw new FhirValueException(element.GetProperty(name), "must be a FHIR code (no leading, trailing or double spaces)");
    }

    /// <summary>Throws when <paramref name="length"/> characters are over the limit of <paramref name="kind"/>.</summary>
    public static void CheckLength(JsonElement value, int length, TextKind kind)
    {
        var (limit, key) = kind switch
        {
            TextKind.Name => (Limits.Name, "Name"),
            TextKind.Code => (Limits.Code, "Code"),
            TextKind.Note => (Limits.Note, "Note"),
            _ => (Limits.Text, "Text"),
        };
        if (length > limit)
        {
            throw new FhirValueException(value, $"is longer than the limit of {limit:N0} characters (Intake:Limits:{key})");
        }
    }

    public static JsonElement? Obj(this JsonElement element, string name) =>
        Property(element, name, out var value)
            ? value.ValueKind == JsonValueKind.Object ? value : throw new FhirValueException(value, "must be an object")
            : null;

    /// <summary>The elements of an array property (none when it is missing), as a struct a foreach walks without allocating.</summary>
    public static JsonElement.ArrayEnumerator Arr(this JsonElement element, string name) =>
        Property(element, name, out var value)
            ? value.ValueKind == JsonValueKind.Array ? value.EnumerateArray() : throw new FhirValueException(value, "must be an array")
            : NoElements.RootElement.EnumerateArray();

    private static readonly JsonDocument NoElements = JsonDocument.Parse("[]");

    public static JsonElement? First(this JsonElement element, string name)
    {
        var items = element.Arr(name);
        return items.MoveNext() ? items.Current : null;
    }

    /// <summary>The first coding of a CodeableConcept (or of the first one in an array): system, code, display (text as fallback).</summary>
    public static Coding? Concept(this JsonElement element, string name)
    {
        if (!Property(element, name, out var value))
        {
            return null;
        }

        var concept = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().FirstOrDefault() : value;
        if (concept.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return null;
        }

        if (concept.ValueKind != JsonValueKind.Object)
        {
            throw new FhirValueException(concept, "must be an object (a CodeableConcept)");
        }

        var coding = concept.First("coding");
        return coding is { } c && c.Str("code", TextKind.Code) is { } code
            ? new Coding(c.Str("system"), code, c.Str("display") ?? concept.Str("text"))
            : concept.Str("text") is { } text ? new Coding(null, text, text) : null;
    }

    public static string? Code(this JsonElement element, string name) => element.Concept(name)?.Code;

    /// <summary>A FHIR boolean: JSON true or false.</summary>
    public static bool? Bool(this JsonElement element, string name) =>
        Property(element, name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new FhirValueException(value, "must be a boolean (JSON true or false)"),
            }
            : null;

    /// <summary>A FHIR dateTime, date, year-month or year; partial dates mean their start, in UTC.</summary>
    public static DateTimeOffset? Time(this JsonElement element, string name)
    {
        if (!Property(element, name, out var value))
        {
            return null;
        }

        try
        {
            return value.ValueKind == JsonValueKind.String ? ParseTime(value.GetString()) : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new FhirValueException(value, "must be a FHIR dateTime (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a time zone)");
        }
    }

    public static DateTimeOffset? ParseTime(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.Length > 10)
        {
            // FHIR's dateTime with a time has seconds and a zone; the general parser takes what the fast one leaves (a
            // leap second, more than seven fraction digits) only in that shape: it would take "Jan 1 2020" too.
            if (TryParseInstant(value, out var full)
                || (FullDateTime().IsMatch(value) && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out full)))
            {
                return full.ToUniversalTime();
            }

            throw new FormatException($"not a FHIR dateTime");
        }

        return PartialDate().IsMatch(value)
               && DateTime.TryParseExact(value, PartialDates, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var partial)
            ? new DateTimeOffset(partial, TimeSpan.Zero)
            : throw new FormatException("not a FHIR date or dateTime");
    }

    private static readonly string[] PartialDates = ["yyyy-MM-dd", "yyyy-MM", "yyyy"];

    [GeneratedRegex(@"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PartialDate();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)$", RegexOptions.CultureInvariant)]
    private static partial Regex FullDateTime();

    /// <summary>FHIR's id: letters, digits, '-' and '.' (R4 allows 64 characters; the record keeps up to 128).</summary>
    [GeneratedRegex(@"^[A-Za-z0-9\-\.]{1,128}$", RegexOptions.CultureInvariant)]
    public static partial Regex Id();

    private static bool IsCode(string code)
    {
        if (code.Length == 0 || code[0] == ' ' || code[^1] == ' ')
        {
            return false;
        }

        for (var i = 0; i < code.Length; i++)
        {
            if ((char.IsWhiteSpace(code[i]) && code[i] != ' ') || (code[i] == ' ' && code[i - 1] == ' '))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The one shape nearly every FHIR dateTime has, <c>yyyy-MM-ddTHH:mm:ss[.fffffff](Z|±HH:mm)</c>, read directly:
    /// the general parser takes a microsecond each, and a bundle has tens of thousands. Anything else (more than
    /// seven fraction digits, a leap second, …) is left to the general parser.
    /// </summary>
    internal static bool TryParseInstant(ReadOnlySpan<char> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':'
            || !Digits(s[..4], out var year) || !Digits(s[5..7], out var month) || !Digits(s[8..10], out var day)
            || !Digits(s[11..13], out var hour) || !Digits(s[14..16], out var minute) || !Digits(s[17..19], out var second)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var i = 19;
        var ticks = 0;
        if (s[i] == '.')
        {
            var start = ++i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == start || i - start > 7 || !Digits(s[start..i], out ticks))
            {
                return false;
            }

            for (var scale = i - start; scale < 7; scale++)
            {
                ticks *= 10;
            }
        }

        TimeSpan offset;
        if (i == s.Length - 1 && s[i] == 'Z')
        {
            offset = TimeSpan.Zero;
        }
        else if (i == s.Length - 6 && s[i] is '+' or '-' && s[i + 3] == ':' && Digits(s[(i + 1)..(i + 3)], out var offsetHours)
                 && Digits(s[(i + 4)..], out var offsetMinutes) && offsetHours <= 14 && offsetMinutes <= 59)
        {
            offset = new TimeSpan(offsetHours, offsetMinutes, 0) * (s[i] == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }

        value = new DateTimeOffset(year, month, day, hour, minute, second, offset).AddTicks(ticks);
        return true;

        static bool Digits(ReadOnlySpan<char> digits, out int number)
        {
            number = 0;
            foreach (var c in digits)
            {
                if (!char.IsAsciiDigit(c))
                {
                    return false;
                }

                number = (number * 10) + (c - '0');
            }

            return true;
        }
    }

    public static DateOnly? Date(this JsonElement element, string name)
    {
        if (!Property(element, name, out var value))
        {
            return null;
        }

        // A FHIR date: YYYY, YYYY-MM or YYYY-MM-DD, a real day; the record keeps a full date only.
        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { } text || !PartialDate().IsMatch(text)
            || !DateTime.TryParseExact(text, PartialDates, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new FhirValueException(value, "must be a FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)");
        }

        return text.Length == 10 ? DateOnly.FromDateTime(date) : null;
    }

    public static (DateTimeOffset? Start, DateTimeOffset? End) Period(this JsonElement element, string name) =>
        element.Obj(name) is { } period ? (period.Time("start"), period.Time("end")) : (null, null);

    /// <summary>A FHIR decimal: a JSON number the record's numeric column holds.</summary>
    public static decimal? Decimal(this JsonElement element, string name) =>
        Property(element, name, out var value)
            ? value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number) ? number
                : throw new FhirValueException(value, "must be a decimal (a JSON number)")
            : null;

    /// <summary>A FHIR integer: a whole JSON number, 32 bits.</summary>
    public static int? Integer(this JsonElement element, string name) =>
        Property(element, name, out var value)
            ? value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number
                : throw new FhirValueException(value, "must be an integer")
            : null;

    /// <summary>Base64 attachment data as UTF-8 text (Synthea notes are text/plain; charset=utf-8), held to the note limit.</summary>
    public static string? AttachmentText(JsonElement? attachment)
    {
        // Base64 is a third longer than the text it holds: the note limit applies to the text, decoded.
        if (attachment is not { } a || !Property(a, "data", out var element))
        {
            return null;
        }

        var data = element.ValueKind == JsonValueKind.String ? element.GetString()! : throw new FhirValueException(element, "must be a string");
        // Decoded, it is at least a third of this many characters (three UTF-8 bytes at most per character): over the
        // limit without decoding it.
        if ((long)data.Length * 3 / 4 > (long)Limits.Note * 3)
        {
            CheckLength(element, int.MaxValue, TextKind.Note);
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(Convert.FromBase64String(data));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw new BundleProblemException("its attachment data is not base64-encoded UTF-8 text");
        }

        CheckLength(element, text.Length, TextKind.Note);
        if (text.Contains('\0'))
        {
            throw new FhirValueException(element, "contains a NUL character, which the record cannot store");
        }

        return text;
    }

    /// <summary>Whether <paramref name="element"/> has the property <paramref name="name"/> (not null); an element that is no object has none.</summary>
    private static bool Property(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                return element.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return false;
            default:
                throw new FhirValueException(element, "must be an object");
        }
    }

    /// <summary>
    /// Refuses a resource whose strings hold what FHIR strings cannot (R4 <c>[ \r\n\t\S]+</c>: no control character but
    /// tab, line feed and carriage return) or what PostgreSQL's text cannot (NUL), or half a surrogate pair. In the
    /// compact form (<see cref="CompactJson"/>) every other character is plain UTF-8, so only an escape can be one of
    /// them, and the bytes are scanned for backslashes a vector at a time; the element is looked for only when one is found.
    /// </summary>
    public static void CheckCharacters(JsonElement resource, ReadOnlySpan<byte> compact)
    {
        if (BadEscape(compact) is not null && FindBadString(resource) is { } bad)
        {
            throw new FhirValueException(bad.Element, bad.Problem);
        }
    }

    private static string? BadEscape(ReadOnlySpan<byte> json)
    {
        var i = 0;
        while (true)
        {
            var next = json[i..].IndexOf((byte)'\\');
            if (next < 0 || i + next + 1 >= json.Length)
            {
                return null;
            }

            i += next;
            switch (json[i + 1])
            {
                case (byte)'b' or (byte)'f':
                    return "contains a control character, which FHIR strings cannot hold";
                case (byte)'u' when i + 6 <= json.Length:
                    var unit = Convert.ToInt32(Encoding.ASCII.GetString(json.Slice(i + 2, 4)), 16);
                    return unit == 0 ? "contains a NUL character (\\u0000), which the record cannot store"
                        : unit is >= 0xD800 and <= 0xDFFF ? "contains half a surrogate pair, which is no Unicode text"
                        : unit < 0x20 && unit is not (9 or 10 or 13) ? "contains a control character, which FHIR strings cannot hold"
                        : null;
            }

            i += 2;
        }
    }

    private static (JsonElement Element, string Problem)? FindBadString(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return BadEscape(JsonMarshal.GetRawUtf8Value(element)) is { } problem ? (element, problem) : null;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    if (FindBadString(item) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (FindBadString(property.Value) is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>Where <paramref name="target"/> is inside <paramref name="root"/>, as FHIR names an element ("name[0].family"); null if it is not.</summary>
    public static string? PathOf(JsonElement root, JsonElement target)
    {
        var path = new List<string>();
        return Find(root, JsonMarshal.GetRawUtf8Value(target), path) ? string.Concat(path).TrimStart('.') : null;
    }

    /// <summary>Walks <paramref name="element"/> for the element whose raw bytes are <paramref name="raw"/> (the same bytes, not equal ones).</summary>
    private static bool Find(JsonElement element, ReadOnlySpan<byte> raw, List<string> path)
    {
        var own = JsonMarshal.GetRawUtf8Value(element);
        if (own.Length == raw.Length && Unsafe.AreSame(ref MemoryMarshal.GetReference(own), ref MemoryMarshal.GetReference(raw)))
        {
            return true;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    path.Add($"[{index++}]");
                    if (Find(item, raw, path))
                    {
                        return true;
                    }

                    path.RemoveAt(path.Count - 1);
                }

                return false;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    path.Add("." + property.Name);
                    if (Find(property.Value, raw, path))
                    {
                        return true;
                    }

                    path.RemoveAt(path.Count - 1);
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>The internal key of a resource: derived from its type and FHIR id, so references resolve without a lookup.</summary>
    public static Guid Key(string resourceType, string fhirId) => ClinicalKeys.For(resourceType, fhirId);
}

internal sealed record Coding(string? System, string Code, string? Display);

/// <summary>A value of a resource that is not what FHIR (or the record's limits) allow: the refusal names its element.</summary>
internal sealed class FhirValueException(JsonElement value, string problem) : Exception(problem)
{
    public JsonElement Value => value;
}

/// <summary>What is wrong with one entry; the bundle is rejected whole, naming the entry.</summary>
internal sealed class BundleProblemException(string message, bool unresolvedReference = false) : Exception(message)
{
    /// <summary>A reference found nothing; another bundle of the same run may still supply it.</summary>
    public bool UnresolvedReference { get; } = unresolvedReference;
}

/// <summary>An entry of the bundle as references see it: its type and id, and its key (a SHA-256, computed once).</summary>
internal sealed class BundleEntry(string type, string id)
{
    private Guid? _key;

    public string Type => type;

    public string Id => id;

    public Guid Key => _key ??= Fhir.Key(type, id);
}
