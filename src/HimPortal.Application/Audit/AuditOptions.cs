using System.ComponentModel.DataAnnotations;

namespace HimPortal.Application.Audit;

/// <summary>The access audit's settings (section "Audit").</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>
    /// Months of audit kept before `audit archive` may take a month out: at least 72, the six years of 45 CFR 164.316(b)(2)
    /// (a hospital's policy or state law may ask for more).
    /// </summary>
    [Range(72, 1200)]
    public int RetentionMonths { get; set; } = 72;

    public Checkpoints.AuditCheckpointOptions Checkpoints { get; set; } = new();
}
