using HimPortal.Application.Access;
using HimPortal.Application.Charts.GetChart;

namespace HimPortal.Web.Pages.Charts;

/// <param name="Allergies">The allergy banner's content; null where the reader may not see allergies.</param>
public sealed record PatientHeaderModel(ChartEntry Entry, DateOnly Today, IReadOnlyList<AllergyItem>? Allergies = null);
