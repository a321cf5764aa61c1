using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace HimPortal.Documents.Synthetic;

/// <summary>A clinical note from a Synthea bundle: the text a synthetic document is made from.</summary>
/// <param name="SourcePatientId">The bundle's Patient resource id, which the FHIR import keeps, to find the patient.</param>
public sealed record SyntheaNote(string SourcePatientId, string PatientName, string LoincCode, string TypeName,
    DateTimeOffset? Date, string Text);

/// <summary>Reads the notes (DocumentReference, text/plain) from Synthea FHIR R4 bundles, such as data/synthea-r4.</summary>
public static class SyntheaNotes
{
    /// <summary>At most <paramref name="perPatient"/> notes of each bundle in the folder, bundles in name order.</summary>
    public static IReadOnlyList<SyntheaNote> Read(string folder, int perPatient)
    {
        var notes = new List<SyntheaNote>();
        foreach (var file in Directory.GetFiles(folder, "*.json*").Order(StringComparer.Ordinal))
        {
            notes.AddRange(ReadBundle(file).Take(perPatient));
        }

        return notes;
    }

    public static IEnumerable<SyntheaNote> ReadBundle(string path)
    {
        using var file = File.OpenRead(path);
        using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionMode.Decompress)
            : (Stream)file;
        using var json = JsonDocument.Parse(stream);
        if (!json.RootElement.TryGetProperty("entry", out var entries))
        {
            return [];
        }

        string? patientId = null;
        var patientName = string.Empty;
        var notes = new List<SyntheaNote>();
        foreach (var entry in entries.EnumerateArray())
        {
            if (!entry.TryGetProperty("resource", out var resource))
            {
                continue;
            }

            switch (resource.GetProperty("resourceType").GetString())
            {
                case "Patient":
                    patientId = resource.GetProperty("id").GetString();
                    patientName = Name(resource);
                    break;
                case "DocumentReference" when Note(resource) is { } note:
                    notes.Add(note);
                    break;
                default:
                    break;
            }
        }

        return patientId is null ? [] : notes.Select(n => n with { SourcePatientId = patientId, PatientName = patientName });
    }

    private static SyntheaNote? Note(JsonElement resource)
    {
        if (!resource.TryGetProperty("content", out var content) || content.GetArrayLength() == 0
            || !content[0].GetProperty("attachment").TryGetProperty("data", out var data))
        {
            return null;
        }

        var coding = resource.GetProperty("type").GetProperty("coding")[0];
        DateTimeOffset? date = resource.TryGetProperty("date", out var d) && d.TryGetDateTimeOffset(out var parsed) ? parsed : null;
        return new SyntheaNote(string.Empty, string.Empty, coding.GetProperty("code").GetString() ?? string.Empty,
            coding.TryGetProperty("display", out var display) ? display.GetString() ?? string.Empty : string.Empty,
            date, Encoding.UTF8.GetString(data.GetBytesFromBase64()));
    }

    private static string Name(JsonElement patient)
    {
        if (!patient.TryGetProperty("name", out var names) || names.GetArrayLength() == 0)
        {
            return string.Empty;
        }

        var name = names[0];
        var given = name.TryGetProperty("given", out var g) ? string.Join(' ', g.EnumerateArray().Select(x => x.GetString())) : string.Empty;
        var family = name.TryGetProperty("family", out var f) ? f.GetString() : string.Empty;
        return $"{given} {family}".Trim();
    }
}
