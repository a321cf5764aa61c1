using System.ComponentModel.DataAnnotations;

namespace HimPortal.Application.Documents;

/// <summary>Document capture's settings (section "Documents").</summary>
public sealed class DocumentsOptions
{
    public const string Section = "Documents";

    /// <summary>The largest file taken; a larger one is refused unread (and its bytes not kept).</summary>
    [Range(1, 1L << 30, ErrorMessage = "Documents:MaxFileBytes must be between 1 byte and 1 GiB (the most a PostgreSQL bytea holds, ADR 0024).")]
    public long MaxFileBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The most pages one file may have: more is treated as hostile and parked.</summary>
    [Range(1, 1_000_000)]
    public int MaxPages { get; set; } = 5_000;

    /// <summary>How long reading one file's structure (page count) may take before it is parked as hostile.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan InspectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an inbox file must be left unchanged before it is taken (a fax server may still be writing it).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan InboxSettle { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Watched inbox folders by source name (Documents:Inboxes:&lt;name&gt;:Path): a fax server's drop, a scanner station.</summary>
    public Dictionary<string, InboxOptions> Inboxes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Quality control of indexing (Documents:QualityReview:Rate, NewClerkDocuments).</summary>
    public QualityControl.QualityReviewOptions QualityReview { get; set; } = new();
}

/// <summary>One watched inbox folder.</summary>
public sealed class InboxOptions
{
    [Required(AllowEmptyStrings = false)]
    public string Path { get; set; } = "";
}
