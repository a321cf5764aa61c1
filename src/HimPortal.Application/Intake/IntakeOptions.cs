using System.ComponentModel.DataAnnotations;

namespace HimPortal.Application.Intake;

/// <summary>Record intake's settings (section "Intake").</summary>
public sealed class IntakeOptions
{
    public const string Section = "Intake";

    /// <summary>The largest bundle file the import accepts (decompressed, for .json.gz).</summary>
    [Range(1, long.MaxValue, ErrorMessage = "The largest bundle must be a positive number of bytes.")]
    public long MaxBundleBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Bundles imported in parallel, one connection each (0: one per core).</summary>
    [Range(0, 64)]
    public int Workers { get; set; }

    /// <summary>About how much bundle JSON one import transaction commits, each bundle still whole or not at all.</summary>
    [Range(64 * 1024, 1024L * 1024 * 1024)]
    public long BatchBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>
    /// Server-side folders clerks may import from (a feed's drop folder, a migration's export), by name. A job names the
    /// folder, never a path: nobody imports an arbitrary path of the server from a browser.
    /// </summary>
    public Dictionary<string, string> ServerFolders { get; set; } = new(StringComparer.Ordinal);

    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;
}
