using System.ComponentModel.DataAnnotations;

namespace HimPortal.Application.Compliance;

/// <summary>Compliance review's settings (section "Compliance"). The monitoring rules' schedule is Jobs:Schedules:privacy-monitoring.</summary>
public sealed class ComplianceOptions
{
    public const string Section = "Compliance";

    /// <summary>Days after which an unreviewed break-the-glass access or privacy alert is overdue.</summary>
    [Range(1, 365)]
    public int ReviewOverdueDays { get; set; } = 3;
}
