using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace HimPortal.Application.Clinical.Corrections;

/// <summary>A copy's JSON and its source hash, and the references it still holds that the correction did not rewrite.</summary>
internal sealed record RewrittenResource(string Json, byte[] Hash, IReadOnlyList<(string? Type, string Id)> OtherReferences);

/// <summary>
/// Rewrites a moved resource's original JSON for its copy: its id, its patient (subject, patient) and its references to the
/// other moved items. The record stores each resource in its canonical compact form (the import's CompactJson: no
/// whitespace, strings with the fewest escapes), so a reference is the exact text <c>"reference":"…"</c>, in the two forms
/// the record holds: <c>urn:uuid:&lt;id&gt;</c> (Synthea's, whose full URLs are the resources' ids) and <c>Type/&lt;id&gt;</c>.
/// Only ASCII ids and one escaped name change, so the copy is still canonical, and its hash is that of its bytes, as the
/// import's is. The JSON is not re-serialised: that would change escapes and the hash of text nobody changed.
/// </summary>
internal static partial class ResourceRewrite
{
    /// <param name="moved">Every moved item by its FHIR id: its type and its copy's new FHIR id.</param>
    /// <returns>Null when the resource names its patient in a form this cannot rewrite (the correction is refused).</returns>
    public static RewrittenResource? Rewrite(
        string json,
        string copyFhirId,
        string fromPatient,
        string toPatient,
        string? toPatientDisplay,
        IReadOnlyDictionary<string, (string Type, string CopyFhirId)> moved)
    {
        ArgumentNullException.ThrowIfNull(moved);
        var withId = ReplaceId(json, copyFhirId);
        if (withId is null)
        {
            return null;
        }

        var others = new List<(string? Type, string Id)>();
        var patientReferences = 0;
        var rewritten = Reference().Replace(withId, match =>
        {
            var reference = match.Groups["ref"].Value;
            var (type, id, urn) = Parse(reference);
            if (id is null)
            {
                // A conditional reference (master data by identifier), a contained one (#…) or an absolute URL: not an item of the record.
                return match.Value;
            }

            if (id == fromPatient && type is null or "Patient")
            {
                patientReferences++;
                var to = urn && Guid.TryParse(toPatient, out _) ? "urn:uuid:" + toPatient : "Patient/" + toPatient;
                // The display of the patient reference is the first patient's name: it must not travel with the copy.
                var display = match.Groups["display"].Success && toPatientDisplay is not null
                    ? ",\"display\":\"" + Escape(toPatientDisplay) + "\""
                    : "";
                return $"\"reference\":\"{to}\"{display}";
            }

            if (moved.TryGetValue(id, out var item) && (type is null || type == item.Type))
            {
                return $"\"reference\":\"{(urn ? "urn:uuid:" : type + "/")}{item.CopyFhirId}\"{match.Groups["display"].Value}";
            }

            others.Add((type, id));
            return match.Value;
        });

        // The copy must name the second patient, and nothing of the first may be left in it (a Synthea patient's id is a
        // uuid, which appears nowhere else by chance; a short id could, so only a long one is looked for).
        if (patientReferences == 0 || (fromPatient.Length >= 16 && rewritten.Contains(fromPatient, StringComparison.Ordinal)))
        {
            return null;
        }

        return new RewrittenResource(rewritten, SHA256.HashData(Encoding.UTF8.GetBytes(rewritten)), others);
    }

    /// <summary>The id, form (urn:uuid or relative) and type, when given, of a reference to a resource by its id.</summary>
    private static (string? Type, string? Id, bool Urn) Parse(string reference)
    {
        if (reference.StartsWith("urn:uuid:", StringComparison.Ordinal))
        {
            return (null, reference["urn:uuid:".Length..], true);
        }

        var relative = Relative().Match(reference);
        return relative.Success ? (relative.Groups["type"].Value, relative.Groups["id"].Value, false) : (null, null, false);
    }

    /// <summary>Replaces the resource's own id (the top-level "id"); null when it has none.</summary>
    private static string? ReplaceId(string json, string id)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var reader = new Utf8JsonReader(bytes);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return null;
                }

                // Token boundaries are ASCII, so the UTF-8 text splits there cleanly.
                var start = (int)reader.TokenStartIndex;
                var end = (int)reader.BytesConsumed;
                return string.Concat(Encoding.UTF8.GetString(bytes, 0, start), "\"", id, "\"", Encoding.UTF8.GetString(bytes, end, bytes.Length - end));
            }

            if (reader.CurrentDepth >= 1 && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        return null;
    }

    /// <summary>A JSON string's body in the canonical form: only a quote, a backslash and control characters escaped.</summary>
    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    // A reference with its display, if one follows it (Synthea writes the reference first). Values with escapes are not ids.
    [GeneratedRegex("\"reference\":\"(?<ref>[^\"\\\\]*)\"(?<display>,\"display\":\"(?:[^\"\\\\]|\\\\.)*\")?")]
    private static partial Regex Reference();

    // FHIR's relative reference: Type/id, the id as FHIR restricts it.
    [GeneratedRegex("^(?<type>[A-Z][A-Za-z]+)/(?<id>[A-Za-z0-9\\-.]{1,64})$")]
    private static partial Regex Relative();
}
