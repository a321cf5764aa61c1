using System.ComponentModel.DataAnnotations;

namespace HimPortal.Application.Documents.QualityControl;

/// <summary>
/// Quality control of indexing (section "Documents:QualityReview"): all of a new indexer's first
/// <see cref="NewClerkDocuments"/> filings are reviewed, then <see cref="Rate"/> of them. An HIM manager may override both
/// on the QA settings page (documents.quality_review_settings); configuration is the default.
/// </summary>
public sealed class QualityReviewOptions
{
    [Range(0.0, 1.0, ErrorMessage = "Documents:QualityReview:Rate must be between 0 and 1 (0.1 reviews one filing in ten).")]
    public decimal Rate { get; set; } = 0.10m;

    [Range(0, 100_000)]
    public int NewClerkDocuments { get; set; } = 200;

    /// <summary>The most filings one run of the sampler considers; the rest wait for the next run (each minute).</summary>
    [Range(1, 100_000)]
    public int BatchSize { get; set; } = 1_000;
}
