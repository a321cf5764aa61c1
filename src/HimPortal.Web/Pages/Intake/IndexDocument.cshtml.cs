using HimPortal.Application.Common;
using HimPortal.Application.Documents.DispositionDocument;
using HimPortal.Application.Documents.FileDocument;
using HimPortal.Application.Documents.GetIndexing;
using HimPortal.Application.Documents.MergeDocuments;
using HimPortal.Application.Documents.RemoveBlankPages;
using HimPortal.Application.Documents.RotatePage;
using HimPortal.Application.Documents.SplitDocument;
using HimPortal.Application.Documents.SuggestFiling;
using HimPortal.Application.Patients.SearchPatients;
using HimPortal.Data.Documents;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Intake;

/// <summary>
/// The indexing screen: thumbnails and one large page (zoom and rotate by links, no script: the CSP forbids inline
/// script), the patient search, the filing form, and the page tools (split, merge, remove blank pages) and dispositions.
/// Each form is one command with the document's version: a stale form changes nothing and says so. Page images are
/// served by this page (its Image handler), each view audited; the render branch's /Documents/Pages endpoints can replace it.
/// </summary>
public sealed class IndexDocumentModel(
    GetIndexingHandler indexing,
    SearchPatientsHandler search,
    FileDocumentHandler file,
    DispositionDocumentHandler disposition,
    SplitDocumentHandler split,
    MergeDocumentsHandler merge,
    RemoveBlankPagesHandler removeBlank,
    RotatePageHandler rotate,
    SuggestFilingHandler suggest,
    HospitalTime time,
    TimeProvider clock) : PageModel
{
    public static readonly IReadOnlyList<int> Zooms = [50, 75, 100, 150, 200];

    public sealed class FileInput
    {
        public uint Version { get; set; }

        public Guid? PatientId { get; set; }

        public Guid? EncounterId { get; set; }

        public Guid? DocumentTypeId { get; set; }

        public DateOnly? DocumentDate { get; set; }

        public DateOnly? ServiceDate { get; set; }

        public string? Author { get; set; }

        public bool BearsSignature { get; set; }

        public DateOnly? SignedOn { get; set; }

        public List<string> Labels { get; set; } = [];
    }

    public sealed class ToolInput
    {
        public uint Version { get; set; }

        public string? Ranges { get; set; }

        public Guid? OtherId { get; set; }

        public uint OtherVersion { get; set; }

        public List<Guid> PageIds { get; set; } = [];

        public Guid? PageId { get; set; }

        public bool Clockwise { get; set; } = true;

        public ScannedDocumentStatus Status { get; set; } = ScannedDocumentStatus.Held;

        public string? Reason { get; set; }

        public string? Sender { get; set; }

        public string? HowNotified { get; set; }
    }

    [BindProperty]
    public FileInput Input { get; set; } = new();

    [BindProperty]
    public ToolInput Tool { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public Guid? PatientId { get; set; }

    // Not "page": Razor Pages binds its own "page" route value (the page's path) first, so a thumbnail link always showed page 1.
    [BindProperty(SupportsGet = true, Name = "shown")]
    public int Shown { get; set; }

    [BindProperty(SupportsGet = true)]
    public int Zoom { get; set; } = 100;

    [BindProperty(SupportsGet = true)]
    public string? Name { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Mrn { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? BirthDate { get; set; }

    public IndexingView View { get; private set; } = null!;

    public PatientSearchPage? Found { get; private set; }

    /// <summary>What the pages' text points at (an MRN, a name with a birth date, a type's heading); null once a patient is chosen.</summary>
    public FilingSuggestions? Suggestions { get; private set; }

    public string? SearchProblem { get; private set; }

    public Guid DocumentId { get; private set; }

    public bool IsWaiting => View.Document.Status is ScannedDocumentStatus.Unindexed or ScannedDocumentStatus.Held;

    public IndexingPage? ShownPage => View.Pages.FirstOrDefault(p => p.Ordinal == Shown) ?? (View.Pages.Count > 0 ? View.Pages[0] : null);

    public string Link(int? page = null, int? zoom = null) =>
        $"/Intake/Index/{DocumentId}?shown={page ?? ShownPage?.Ordinal ?? 0}&zoom={zoom ?? Zoom}" + (PatientId is { } p ? $"&patientId={p}" : "");

    /// <summary>The page image endpoints (/Documents/Pages, Intake.Index), each view audited as an indexing page view.</summary>
    public static string ImageUrl(Guid pageId, bool thumbnail) => $"/Documents/Pages/{pageId}/{(thumbnail ? "Thumbnail" : "Image")}";

    public string Received => time.Format(View.Document.ReceivedAt);

    public Task<IActionResult> OnGetAsync(Guid documentId, CancellationToken ct) => ShowAsync(documentId, ct);

    public async Task<IActionResult> OnGetLetterAsync(Guid documentId, string? sender, CancellationToken ct)
    {
        var read = await indexing.HandleAsync(new GetIndexingQuery(documentId), ct);
        if (!read.IsSuccess)
        {
            return this.Refuse(read.Error!);
        }

        var document = read.Value!.Document;
        var pdf = MisdirectedLetter.Write("The hospital", string.IsNullOrWhiteSpace(sender) ? "The sender" : sender, document.Id, document.ReceivedAt,
            document.PageCount, time.DayOf(clock.GetUtcNow()));
        return File(pdf, "application/pdf", $"misdirected-{document.Id:N}.pdf");
    }

    public async Task<IActionResult> OnPostFileAsync(Guid documentId, CancellationToken ct)
    {
        var command = new FileDocumentCommand(documentId, Input.Version, Input.PatientId ?? Guid.Empty, Input.EncounterId, Input.DocumentTypeId ?? Guid.Empty,
            Input.DocumentDate, Input.ServiceDate, Input.Author, Input.BearsSignature, Input.SignedOn is { } day ? time.StartOf(day) : null, Input.Labels);
        var result = await file.HandleAsync(command, ct);
        PatientId = Input.PatientId;
        return result.IsSuccess
            ? Redirect($"/Intake/Queue?filed={result.Value!.DocumentId}&chart={result.Value.PatientId}")
            : await this.RefuseAsync(result.Error!, () => ShowAsync(documentId, ct));
    }

    public async Task<IActionResult> OnPostDispositionAsync(Guid documentId, CancellationToken ct)
    {
        var result = await disposition.HandleAsync(new DispositionDocumentCommand(documentId, Tool.Version, Tool.Status, Tool.Reason, Tool.Sender, Tool.HowNotified), ct);
        return result.IsSuccess ? Redirect("/Intake/Queue") : await this.RefuseAsync(result.Error!, () => ShowAsync(documentId, ct));
    }

    public async Task<IActionResult> OnPostSplitAsync(Guid documentId, CancellationToken ct)
    {
        var result = await split.HandleAsync(new SplitDocumentCommand(documentId, Tool.Version, Tool.Ranges), ct);
        return result.IsSuccess ? Redirect(Link(0)) : await this.RefuseAsync(result.Error!, () => ShowAsync(documentId, ct));
    }

    public async Task<IActionResult> OnPostMergeAsync(Guid documentId, CancellationToken ct)
    {
        var result = await merge.HandleAsync(new MergeDocumentsCommand(documentId, Tool.Version, Tool.OtherId ?? Guid.Empty, Tool.OtherVersion), ct);
        return result.IsSuccess ? Redirect(Link()) : await this.RefuseAsync(result.Error!, () => ShowAsync(documentId, ct));
    }

    public async Task<IActionResult> OnPostRemoveBlankAsync(Guid documentId, CancellationToken ct)
    {
        var result = await removeBlank.HandleAsync(new RemoveBlankPagesCommand(documentId, Tool.Version, Tool.PageIds), ct);
        return result.IsSuccess ? Redirect(Link(0)) : await this.RefuseAsync(result.Error!, () => ShowAsync(documentId, ct));
    }

    public async Task<IActionResult> OnPostRotateAsync(Guid documentId, CancellationToken ct)
    {
        var result = await rotate.HandleAsync(new RotatePageCommand(documentId, Tool.Version, Tool.PageId ?? Guid.Empty, Tool.Clockwise), ct);
        return result.IsSuccess ? Redirect(Link()) : await this.RefuseAsync(result.Error!, () => ShowAsync(documentId, ct));
    }

    private async Task<IActionResult> ShowAsync(Guid documentId, CancellationToken ct)
    {
        DocumentId = documentId;
        Zoom = Zooms.Contains(Zoom) ? Zoom : 100;
        var read = await indexing.HandleAsync(new GetIndexingQuery(documentId, PatientId), ct);
        if (!read.IsSuccess)
        {
            return this.Refuse(read.Error!);
        }

        View = read.Value!;
        PatientId = View.Patient?.Id;
        if (IsWaiting && View.Patient is null)
        {
            var suggested = await suggest.HandleAsync(new SuggestFilingQuery(documentId, Name, BirthDate), ct);
            Suggestions = suggested.IsSuccess ? suggested.Value : null;
        }
        if (!string.IsNullOrWhiteSpace(Name) || !string.IsNullOrWhiteSpace(Mrn) || BirthDate is not null)
        {
            var found = await search.HandleAsync(new SearchPatientsQuery(Name, Mrn, BirthDate, PageSize: 20), ct);
            if (found.IsSuccess)
            {
                Found = found.Value;
            }
            else
            {
                SearchProblem = found.Error!.Message;
            }
        }

        return Page();
    }
}
