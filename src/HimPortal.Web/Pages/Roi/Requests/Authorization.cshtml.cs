using HimPortal.Application.Common;
using HimPortal.Application.Roi.Authorizations.CheckAuthorization;
using HimPortal.Application.Roi.Authorizations.DenyRequest;
using HimPortal.Application.Roi.Authorizations.GetAuthorizationPage;
using HimPortal.Application.Roi.Authorizations.GetFormPage;
using HimPortal.Application.Roi.Authorizations.GetLetter;
using HimPortal.Application.Roi.Authorizations.RecordAuthorization;
using HimPortal.Application.Roi.Authorizations.RecordLegalProcess;
using HimPortal.Application.Roi.Authorizations.RevokeAuthorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Roi.Requests;

/// <summary>
/// /Roi/Requests/{id}/Authorization: record the authorization from the scanned form (or its correction), check it element
/// by element (a deficiency letter when it fails), record a written revocation, the legal-process panel of an order or
/// subpoena, and the denial. Folder policy /Roi (Roi.Process); every handler checks again and audits.
/// </summary>
public sealed class AuthorizationModel(
    GetAuthorizationPageHandler get,
    RecordAuthorizationHandler record,
    CheckAuthorizationHandler check,
    RevokeAuthorizationHandler revoke,
    RecordLegalProcessHandler legal,
    DenyRequestHandler deny,
    GetLetterHandler letter,
    GetFormPageHandler formPage,
    HospitalTime hospital) : PageModel
{
    public AuthorizationPage View { get; private set; } = null!;

    public HospitalTime Hospital => hospital;

    [BindProperty]
    public RecordInput Record { get; set; } = new();

    [BindProperty]
    public CheckInput Check { get; set; } = new();

    [BindProperty]
    public RevokeInput Revoke { get; set; } = new();

    [BindProperty]
    public LegalInput Legal { get; set; } = new();

    [BindProperty]
    public DenyInput Deny { get; set; } = new();

    public sealed class RecordInput
    {
        public uint RequestVersion { get; set; }
        public Guid? SupersedesId { get; set; }
        public Guid? DocumentId { get; set; }
        public string? Description { get; set; }
        public string? Discloser { get; set; }
        public string? Recipient { get; set; }
        public string? Purpose { get; set; }
        public DateOnly? ExpiresOn { get; set; }
        public string? ExpirationEvent { get; set; }
        public DateOnly? SignedOn { get; set; }
        public string? RepresentativeName { get; set; }
        public string? RepresentativeAuthority { get; set; }
        public bool CoversPsychotherapyNotes { get; set; }
        public bool CoversPart2 { get; set; }
        public bool CoversSudCounselingNotes { get; set; }
        public List<string> CoversLabels { get; set; } = [];
    }

    public sealed class CheckInput
    {
        public uint RequestVersion { get; set; }
        public Guid AuthorizationId { get; set; }
        public uint AuthorizationVersion { get; set; }
        public Dictionary<string, string> States { get; set; } = new(StringComparer.Ordinal);
        public Dictionary<string, string?> Notes { get; set; } = new(StringComparer.Ordinal);
    }

    public sealed class RevokeInput
    {
        public Guid AuthorizationId { get; set; }
        public uint AuthorizationVersion { get; set; }
        public DateOnly? ReceivedOn { get; set; }
        public string? Note { get; set; }
        public Guid? DocumentId { get; set; }
    }

    public sealed class LegalInput
    {
        public uint RequestVersion { get; set; }
        public DateOnly? ReturnDate { get; set; }
        public bool CertificationRequested { get; set; }
        public string? LegalObjections { get; set; }
        public bool QuashMotionPending { get; set; }
        public string? AssuranceKind { get; set; }
        public string? AssuranceNote { get; set; }
        public bool Part2CourtOrder { get; set; }
        public List<string> OrderCoversLabels { get; set; } = [];
        public Guid? DocumentId { get; set; }
        public string? DocumentRole { get; set; }
    }

    public sealed class DenyInput
    {
        public uint RequestVersion { get; set; }
        public List<string> Grounds { get; set; } = [];
        public string? Explanation { get; set; }
        public string? PartialAccess { get; set; }
        public string? ReviewContact { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var shown = await ShowAsync(id, ct);
        if (shown is PageResult)
        {
            var request = View.Request;
            Legal = new LegalInput
            {
                ReturnDate = request.ReturnDate, CertificationRequested = request.CertificationRequested, LegalObjections = request.LegalObjections,
                QuashMotionPending = request.QuashMotionPending, Part2CourtOrder = request.Part2CourtOrder, OrderCoversLabels = [.. request.OrderCoversLabels],
                AssuranceKind = request.SatisfactoryAssurances?.Split(':', 2)[0], AssuranceNote = request.SatisfactoryAssurances?.Split(':', 2).ElementAtOrDefault(1)?.Trim(),
            };
        }

        return shown;
    }

    /// <summary>GET ?handler=Letter&amp;letterId=…: a letter of this request as it went out.</summary>
    public async Task<IActionResult> OnGetLetterAsync(Guid id, Guid letterId, CancellationToken ct)
    {
        var result = await letter.HandleAsync(new GetLetterQuery(id, letterId), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Response.Headers.CacheControl = "no-store";
        return File(result.Value!.Pdf, "application/pdf", result.Value.FileName);
    }

    /// <summary>GET ?handler=FormPage&amp;documentId=…&amp;ordinal=…: a page of a scanned document attached to this request.</summary>
    public async Task<IActionResult> OnGetFormPageAsync(Guid id, Guid documentId, int ordinal, CancellationToken ct)
    {
        var result = await formPage.HandleAsync(new GetFormPageQuery(id, documentId, ordinal), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        // Patient data: kept by no shared cache.
        Response.Headers.CacheControl = "private, no-store";
        return File(result.Value!, "image/png");
    }

    public async Task<IActionResult> OnPostRecordAsync(Guid id, CancellationToken ct)
    {
        var result = await record.HandleAsync(new RecordAuthorizationCommand(id, Record.RequestVersion, Record.SupersedesId, Record.DocumentId,
            Record.Description, Record.Discloser, Record.Recipient, Record.Purpose, Record.ExpiresOn, Record.ExpirationEvent, Record.SignedOn,
            Record.RepresentativeName, Record.RepresentativeAuthority, Record.CoversPsychotherapyNotes, Record.CoversPart2, Record.CoversSudCounselingNotes,
            Record.CoversLabels), ct);
        return await DoneAsync(id, result.IsSuccess ? null : result.Error,
            Record.SupersedesId is null ? "Authorization recorded: check it element by element." : "Corrected authorization recorded: check it element by element.", ct);
    }

    public async Task<IActionResult> OnPostCheckAsync(Guid id, CancellationToken ct)
    {
        var answers = Check.States.ToDictionary(s => s.Key, s => new ElementAnswer(s.Value, Check.Notes.GetValueOrDefault(s.Key)), StringComparer.Ordinal);
        var result = await check.HandleAsync(new CheckAuthorizationCommand(id, Check.RequestVersion, Check.AuthorizationId, Check.AuthorizationVersion, answers), ct);
        if (result.IsSuccess && result.Value!.LetterId is { } letterId)
        {
            TempData["DeficiencyLetter"] = letterId.ToString("D");
        }

        return await DoneAsync(id, result.IsSuccess ? null : result.Error,
            result.Value?.Status == "valid" ? "The authorization is valid." : $"The authorization is deficient ({result.Value?.Failures.Count} element(s)): the deficiency letter is ready.", ct);
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken ct)
    {
        var result = await revoke.HandleAsync(new RevokeAuthorizationCommand(id, Revoke.AuthorizationId, Revoke.AuthorizationVersion,
            Revoke.ReceivedOn ?? hospital.DayOf(DateTimeOffset.UtcNow), Revoke.Note ?? "", Revoke.DocumentId), ct);
        return await DoneAsync(id, result.IsSuccess ? null : result.Error,
            $"Authorization revoked: {result.Value?.StoppedRequests.Count} open request(s) stopped, {result.Value?.DiscardedPackets} unreleased packet(s) discarded.", ct);
    }

    public async Task<IActionResult> OnPostLegalAsync(Guid id, CancellationToken ct)
    {
        var result = await legal.HandleAsync(new RecordLegalProcessCommand(id, Legal.RequestVersion, Legal.ReturnDate, Legal.CertificationRequested, Legal.LegalObjections,
            Legal.QuashMotionPending, string.IsNullOrEmpty(Legal.AssuranceKind) ? null : Legal.AssuranceKind, Legal.AssuranceNote, Legal.Part2CourtOrder,
            Legal.OrderCoversLabels, Legal.DocumentId, string.IsNullOrEmpty(Legal.DocumentRole) ? null : Legal.DocumentRole), ct);
        return await DoneAsync(id, result.IsSuccess ? null : result.Error, "Legal process recorded.", ct);
    }

    public async Task<IActionResult> OnPostDenyAsync(Guid id, CancellationToken ct)
    {
        var result = await deny.HandleAsync(new DenyRequestCommand(id, Deny.RequestVersion, Deny.Grounds, Deny.Explanation,
            string.IsNullOrWhiteSpace(Deny.PartialAccess) ? null : Deny.PartialAccess, Deny.ReviewContact ?? ""), ct);
        if (result.IsSuccess)
        {
            TempData["DenialLetter"] = result.Value!.LetterId.ToString("D");
        }

        return await DoneAsync(id, result.IsSuccess ? null : result.Error, "The request is denied: the denial letter is ready.", ct);
    }

    private async Task<IActionResult> DoneAsync(Guid id, Error? error, string notice, CancellationToken ct)
    {
        if (error is null)
        {
            TempData["Notice"] = notice;
            return RedirectToPage(new { id });
        }

        return await this.RefuseAsync(error, () => ShowAsync(id, ct));
    }

    private async Task<IActionResult> ShowAsync(Guid id, CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetAuthorizationPageQuery(id), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        View = result.Value!;
        return Page();
    }
}
