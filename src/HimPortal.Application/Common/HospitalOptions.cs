using System.ComponentModel.DataAnnotations;

namespace HimPortal.Application.Common;

/// <summary>The hospital's settings (section "Hospital").</summary>
public sealed class HospitalOptions : IValidatableObject
{
    public const string Section = "Hospital";

    /// <summary>The hospital's IANA time zone: the days reviewers filter by, "after hours", and the regulatory clocks' days.</summary>
    [Required]
    public string TimeZone { get; set; } = "UTC";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone.Trim(), out _))
        {
            yield return new ValidationResult($"'{TimeZone}' is not a time zone this server knows (an IANA id such as America/New_York).", [nameof(TimeZone)]);
        }
    }
}
