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

    /// <summary>The longest text the record takes from a bundle, per kind of element (section "Intake:Limits").</summary>
    public IntakeLimits Limits { get; set; } = new();

    public int EffectiveWorkers => Workers > 0 ? Workers : Environment.ProcessorCount;
}

/// <summary>
/// The longest value, in characters, the import maps into the record per kind of element: a bundle with a longer one is
/// refused, naming the element and the limit, rather than stored and then served on every page and export. The JSON
/// kept whole is held to <see cref="IntakeOptions.MaxBundleBytes"/> only.
/// </summary>
public sealed class IntakeLimits
{
    /// <summary>A person's name part: a family name, or the given names of one name together (and a practitioner's).</summary>
    [Range(1, 100_000)]
    public int Name { get; set; } = 200;

    /// <summary>Identifiers (an MRN, an NPI, a study UID), codes and statuses.</summary>
    [Range(1, 100_000)]
    public int Code { get; set; } = 128;

    /// <summary>Display strings, code systems, addresses, telephone numbers, organization and team names, dosage text.</summary>
    [Range(1, 1_000_000)]
    public int Text { get; set; } = 2_000;

    /// <summary>The text of a note or of a report's presented form, decoded.</summary>
    [Range(1, 64 * 1024 * 1024)]
    public int Note { get; set; } = 1_000_000;
}
