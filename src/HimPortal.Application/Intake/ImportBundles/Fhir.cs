using System.Globalization;
using System.Text;
using System.Text.Json;
using HimPortal.Application.Clinical;

namespace HimPortal.Application.Intake.ImportBundles;

/// <summary>Small readers over FHIR JSON: the handful of datatypes the record keeps (CodeableConcept, Reference, dateTime, …).</summary>
internal static class Fhir
{
    public static string? Str(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    public static JsonElement? Obj(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    /// <summary>The elements of an array property (none when it is missing), as a struct a foreach walks without allocating.</summary>
    public static JsonElement.ArrayEnumerator Arr(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : NoElements.RootElement.EnumerateArray();

    private static readonly JsonDocument NoElements = JsonDocument.Parse("[]");

    public static JsonElement? First(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            && value.GetArrayLength() > 0
            ? value[0]
            : null;

    /// <summary>The first coding of a CodeableConcept (or of the first one in an array): system, code, display (text as fallback).</summary>
    public static Coding? Concept(this JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value))
        {
            return null;
        }

        var concept = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().FirstOrDefault() : value;
        if (concept.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var coding = concept.First("coding");
        return coding is { } c && c.Str("code") is { } code
            ? new Coding(c.Str("system"), code, c.Str("display") ?? concept.Str("text"))
            : concept.Str("text") is { } text ? new Coding(null, text, text) : null;
    }

    public static string? Code(this JsonElement element, string name) => element.Concept(name)?.Code;

    /// <summary>A FHIR dateTime, date, year-month or year; partial dates mean their start, in UTC.</summary>
    public static DateTimeOffset? Time(this JsonElement element, string name) => ParseTime(element.Str(name));

    public static DateTimeOffset? ParseTime(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.Length > 10 && (TryParseInstant(value, out var full)
                || DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out full)))
        {
            return full.ToUniversalTime();
        }

        return DateTime.TryParseExact(value, PartialDates, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var partial)
            ? new DateTimeOffset(partial, TimeSpan.Zero)
            : throw new FormatException($"'{value}' is not a FHIR date or dateTime");
    }

    private static readonly string[] PartialDates = ["yyyy-MM-dd", "yyyy-MM", "yyyy"];

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

    public static DateOnly? Date(this JsonElement element, string name) =>
        element.Str(name) is { Length: >= 10 } value && DateOnly.TryParseExact(value[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : null;

    public static (DateTimeOffset? Start, DateTimeOffset? End) Period(this JsonElement element, string name) =>
        element.Obj(name) is { } period ? (period.Time("start"), period.Time("end")) : (null, null);

    public static decimal? Decimal(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetDecimal()
            : null;

    /// <summary>Base64 attachment data as UTF-8 text (Synthea notes are text/plain; charset=utf-8).</summary>
    public static string? AttachmentText(JsonElement? attachment)
    {
        if (attachment?.Str("data") is not { } data)
        {
            return null;
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(Convert.FromBase64String(data));
        }
        catch (Exception e) when (e is FormatException or DecoderFallbackException)
        {
            throw new BundleProblemException("its attachment data is not base64-encoded UTF-8 text");
        }
    }

    /// <summary>The internal key of a resource: derived from its type and FHIR id, so references resolve without a lookup.</summary>
    public static Guid Key(string resourceType, string fhirId) => ClinicalKeys.For(resourceType, fhirId);
}

internal sealed record Coding(string? System, string Code, string? Display);

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
