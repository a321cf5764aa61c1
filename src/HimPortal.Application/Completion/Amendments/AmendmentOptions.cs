using System.ComponentModel.DataAnnotations;

namespace HimPortal.Application.Completion.Amendments;

/// <summary>
/// Requests to amend the record (section "Amendments"): who the hospital's letters name as the contact for complaints
/// (45 CFR 164.526(d)(1)(iv): name or title, and telephone number, of the contact designated under 164.530(d)).
/// </summary>
public sealed class AmendmentOptions
{
    public const string Section = "Amendments";

    [Required]
    [StringLength(200, MinimumLength = 1)]
    public string HospitalName { get; set; } = "HimPortal General Hospital";

    [Required]
    [StringLength(200, MinimumLength = 1)]
    public string ComplaintContactName { get; set; } = "The Privacy Officer";

    [Required]
    [StringLength(200, MinimumLength = 1)]
    public string ComplaintContactTitle { get; set; } = "Privacy Officer, Health Information Management";

    [Required]
    [StringLength(50, MinimumLength = 3)]
    public string ComplaintContactPhone { get; set; } = "(555) 010-0100";

    /// <summary>Where to send a statement of disagreement on paper; the portal takes one online too.</summary>
    [Required]
    [StringLength(500, MinimumLength = 1)]
    public string PostalAddress { get; set; } = "Health Information Management, 1 Hospital Way, Springfield";
}
