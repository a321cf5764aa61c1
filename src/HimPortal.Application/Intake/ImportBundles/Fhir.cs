using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

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

    public static IEnumerable<JsonElement> Arr(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray()
            : [];

    public static JsonElement? First(this JsonElement element, string name) => element.Arr(name).Select(e => (JsonElement?)e).FirstOrDefault();

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

        if (value.Length > 10 && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var full))
        {
            return full.ToUniversalTime();
        }

        var formats = new[] { "yyyy-MM-dd", "yyyy-MM", "yyyy" };
        return DateTime.TryParseExact(value, formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var partial)
            ? new DateTimeOffset(partial, TimeSpan.Zero)
            : throw new FormatException($"'{value}' is not a FHIR date or dateTime");
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

    /// <summary>Lower case without diacritics, for name search: "Cortés" → "cortes".</summary>
    public static string Fold(string value)
    {
        var decomposed = value.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var ch in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(ch) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(char.ToLowerInvariant(ch));
            }
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>The internal key of a resource: derived from its type and FHIR id, so references resolve without a lookup.</summary>
    public static Guid Key(string resourceType, string fhirId)
    {
        var length = Encoding.UTF8.GetMaxByteCount(resourceType.Length + 1 + fhirId.Length);
        Span<byte> text = length <= 512 ? stackalloc byte[length] : new byte[length];
        var written = Encoding.UTF8.GetBytes(resourceType, text);
        text[written++] = (byte)'/';
        written += Encoding.UTF8.GetBytes(fhirId, text[written..]);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(text[..written], hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80); // version 8: application-defined
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(hash[..16], bigEndian: true);
    }
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
