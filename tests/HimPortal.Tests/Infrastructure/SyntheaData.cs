using System.IO.Compression;
using System.Text;

namespace HimPortal.Tests.Infrastructure;

/// <summary>
/// The Synthea FHIR R4 bundles kept in the repository, data/synthea-r4 (see its README): 40 patient bundles and 2
/// master-data bundles, each gzip-compressed (.json.gz). Tests read them there and nowhere else, so a clone of the
/// repository is all they need. The import takes the .gz files as they are; a test that wants the JSON itself (to
/// count, change, upload or save as a plain .json) decompresses it with <see cref="ReadJson"/> or <see cref="WriteJson"/>.
/// </summary>
public static class SyntheaData
{
    private static readonly Lazy<string> DataFolder = new(() =>
    {
        var folder = Path.Combine(Repository.Root, "data", "synthea-r4");
        return Directory.Exists(folder) ? folder : throw new DirectoryNotFoundException($"{folder} is missing from the repository.");
    });

    /// <summary>data/synthea-r4 of this repository.</summary>
    public static string Folder => DataFolder.Value;

    /// <summary>The batch bundle of every Organization and Location the patient bundles refer to (.json.gz).</summary>
    public static string HospitalBundle => OneFile("0-hospitalInformation*.json.gz");

    /// <summary>The batch bundle of every Practitioner and PractitionerRole the patient bundles refer to (.json.gz).</summary>
    public static string PractitionerBundle => OneFile("0-practitionerInformation*.json.gz");

    /// <summary>One transaction bundle (.json.gz) per patient, in file-name order; the "0-" master-data bundles are left out.</summary>
    public static IEnumerable<string> PatientBundles() =>
        Directory.EnumerateFiles(Folder, "*.json.gz")
            .Where(path => !Path.GetFileName(path).StartsWith("0-", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    /// <summary>The bundle (.json.gz) of the patient whose Synthea id is <paramref name="patientId"/>.</summary>
    public static string PatientBundle(string patientId) => OneFile(patientId + ".json.gz");

    /// <summary>The name the bundle has as plain JSON: "x.json" for "x.json.gz".</summary>
    public static string JsonName(string bundle) => Path.GetFileNameWithoutExtension(bundle);

    /// <summary>The bundle's JSON, decompressed: byte for byte what SHA256SUMS names.</summary>
    public static byte[] ReadJson(string bundle)
    {
        using var gzip = new GZipStream(File.OpenRead(bundle), CompressionMode.Decompress);
        using var json = new MemoryStream();
        gzip.CopyTo(json);
        return json.ToArray();
    }

    public static string ReadJsonText(string bundle) => Encoding.UTF8.GetString(ReadJson(bundle));

    /// <summary>Saves the bundle as plain JSON in <paramref name="folder"/>, under its own name or <paramref name="name"/>; returns the path.</summary>
    public static string WriteJson(string bundle, string folder, string? name = null)
    {
        var path = Path.Combine(folder, name ?? JsonName(bundle));
        File.WriteAllBytes(path, ReadJson(bundle));
        return path;
    }

    private static string OneFile(string pattern) => Directory.GetFiles(Folder, pattern).Single();
}
