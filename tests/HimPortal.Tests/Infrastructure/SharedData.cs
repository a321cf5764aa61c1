namespace HimPortal.Tests.Infrastructure;

/// <summary>
/// The team's shared test data, kept in shared/ beside the repository (/work/shared next to /work/main, and next to the
/// fresh clone in CI). Found by walking up from the test binaries, so it does not matter where the repository is cloned.
/// See shared/data/synthea-r4/SOURCE.md for what the bundles hold.
/// </summary>
public static class SharedData
{
    private static readonly Lazy<string> Folder = new(FindSyntheaFolder);

    /// <summary>The Synthea FHIR R4 folder; throws when shared/ is not beside the repository, so a test cannot pass on no data.</summary>
    public static string SyntheaFolder => Folder.Value;

    /// <summary>The batch bundle of every Organization and Location the patient bundles refer to.</summary>
    public static string HospitalBundle => OneFile("0-hospitalInformation*.json");

    /// <summary>The batch bundle of every Practitioner and PractitionerRole the patient bundles refer to.</summary>
    public static string PractitionerBundle => OneFile("0-practitionerInformation*.json");

    /// <summary>One transaction bundle per patient, in file-name order; the "0-" master-data bundles are left out.</summary>
    public static IEnumerable<string> PatientBundles() =>
        Directory.EnumerateFiles(SyntheaFolder, "*.json")
            .Where(path => !Path.GetFileName(path).StartsWith("0-", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    private static string OneFile(string pattern) => Directory.GetFiles(SyntheaFolder, pattern).Single();

    private static string FindSyntheaFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "shared", "data", "synthea-r4");
            if (Directory.Exists(candidate))
                return candidate;
        }

        throw new DirectoryNotFoundException(
            $"No shared/data/synthea-r4 in any folder above {AppContext.BaseDirectory}: shared/ belongs beside the repository.");
    }
}
