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

    /// <summary>
    /// How long a document held for a patient not yet registered waits before it goes back to the indexing queue to be
    /// looked for again (hourly, by the documents-held-retry schedule). A day by default: registration usually follows.
    /// </summary>
    public TimeSpan HeldRetryAfter { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// The render worker (ADR 0025): the `himportal` console's executable or himportal.dll; empty finds it next to the
    /// app (the console itself, tests), in its cli/ folder (the container image), or on the PATH.
    /// </summary>
    public string RenderWorkerPath { get; set; } = "";

    /// <summary>How long one file's rendering may take, before the per-page allowance below; over it the worker is killed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan RenderTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The time each page adds to <see cref="RenderTimeout"/> (a 500-page fax takes minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RenderTimeoutPerPage { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The worker's memory limit in MiB: RLIMIT_DATA (its private writable memory, native PDFium's included), with half
    /// of it as the .NET heap's hard limit. A PDF that inflates past it fails alone. (Not RLIMIT_AS: the .NET runtime
    /// reserves gigabytes of address space it never uses, so an address-space limit says little.)
    /// </summary>
    [Range(256, 65536)]
    public int RenderMemoryMegabytes { get; set; } = 1024;

    /// <summary>
    /// Pages with less ink than this share of their area (inside a 4 % margin) are offered as blank: 0.02 %, about 400
    /// dark pixels of a Letter page at 150 dpi, less than one short typed line, more than a clean fax's speckle.
    /// </summary>
    [Range(0.0, 0.5)]
    public double BlankInk { get; set; } = 0.0002;

    /// <summary>Debian's tesseract (package tesseract-ocr): a name found on the PATH or a full path. Not there: OCR is unavailable.</summary>
    public string TesseractPath { get; set; } = "tesseract";

    /// <summary>tesseract's language (tesseract-ocr-eng installs "eng").</summary>
    [RegularExpression("^[a-z_+]{3,40}$")]
    public string OcrLanguage { get; set; } = "eng";

    /// <summary>How long OCR of one page may take before tesseract is killed and the page marked failed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan OcrTimeout { get; set; } = TimeSpan.FromSeconds(60);

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
