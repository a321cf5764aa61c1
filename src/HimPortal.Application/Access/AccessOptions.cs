using System.ComponentModel.DataAnnotations;

namespace HimPortal.Application.Access;

/// <summary>Who may open which chart: settings (section "Access").</summary>
public sealed class AccessOptions
{
    public const string Section = "Access";

    /// <summary>How long a break-the-glass access lasts without asking again (4 hours: about a treatment episode in the emergency department).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan BreakGlassDuration { get; set; } = TimeSpan.FromHours(4);

    /// <summary>
    /// The server folders (names in Intake:ServerFolders) that are system interfaces (an ADT feed's drop folder): the
    /// treatment relationships their bundles bring are trusted. Relationships from anything else (a clerk's upload, the
    /// console, another folder) were made by a person, and privacy monitoring reviews their first use.
    /// </summary>
    public IList<string> TrustedFeeds { get; } = [];
}
