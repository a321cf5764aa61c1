using System.ComponentModel.DataAnnotations;

namespace HimPortal.Application.Access;

/// <summary>Who may open which chart: settings (section "Access").</summary>
public sealed class AccessOptions
{
    public const string Section = "Access";

    /// <summary>How long a break-the-glass access lasts without asking again (4 hours: about a treatment episode in the emergency department).</summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan BreakGlassDuration { get; set; } = TimeSpan.FromHours(4);
}
