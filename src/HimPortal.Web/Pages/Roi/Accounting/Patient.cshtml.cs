using HimPortal.Application.Common;
using HimPortal.Application.Roi.Accounting.AnswerAccountingRequest;
using HimPortal.Application.Roi.Accounting.ExtendAccountingRequest;
using HimPortal.Application.Roi.Accounting.GetAccounting;
using HimPortal.Application.Roi.Accounting.GetAccountingLetter;
using HimPortal.Application.Roi.Accounting.RecordDisclosure;
using HimPortal.Application.Roi.Accounting.RequestAccounting;
using HimPortal.Application.Roi.Accounting.SuspendAccounting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Roi.Accounting;

/// <summary>
/// A patient's accounting of disclosures: the list 164.528 requires, what an agency's suspension withholds, the other
/// releases apart; hand entry of a disclosure made outside HimPortal, suspensions, and the patient's requests for an
/// accounting with their clock and PDF. Roi.Process (folder).
/// </summary>
public sealed class PatientModel(
    GetAccountingHandler get,
    RecordDisclosureHandler recordDisclosure,
    SuspendAccountingHandler suspend,
    RequestAccountingHandler requestAccounting,
    ExtendAccountingRequestHandler extend,
    AnswerAccountingRequestHandler answer,
    GetAccountingLetterHandler letter,
    HospitalTime time) : PageModel
{
    public AccountingView Accounting { get; private set; } = null!;

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty]
    public DisclosureInput Disclosure { get; set; } = new();

    [BindProperty]
    public SuspensionInput Suspension { get; set; } = new();

    [BindProperty]
    public RequestInput AccountingRequest { get; set; } = new();

    [BindProperty]
    public Guid RequestId { get; set; }

    [BindProperty]
    public uint RequestVersion { get; set; }

    [BindProperty]
    public string? ExtensionReason { get; set; }

    public sealed class DisclosureInput
    {
        public DateOnly? DisclosedOn { get; set; }

        public string? RecipientName { get; set; }

        public string? RecipientAddress { get; set; }

        public string? Description { get; set; }

        public string? Purpose { get; set; }

        public string? LegalBasis { get; set; }

        public Guid? CorrectsId { get; set; }
    }

    public sealed class SuspensionInput
    {
        public string? Agency { get; set; }

        public string? Statement { get; set; }

        public bool Oral { get; set; }

        public DateOnly? From { get; set; }

        public DateOnly? Until { get; set; }
    }

    public sealed class RequestInput
    {
        public DateOnly? PeriodFrom { get; set; }

        public DateOnly? PeriodTo { get; set; }

        public decimal? Fee { get; set; }
    }

    public string At(DateTimeOffset at) => time.Format(at);

    public string Day(DateTimeOffset at) => time.DayOf(at).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public Task<IActionResult> OnGetAsync(Guid patientId, CancellationToken ct) => ShowAsync(patientId, ct);

    public async Task<IActionResult> OnGetLetterAsync(Guid patientId, Guid letterId, CancellationToken ct)
    {
        var result = await letter.HandleAsync(new GetAccountingLetterQuery(patientId, letterId), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Response.Headers.CacheControl = "private, no-store";
        return File(result.Value!.Content, result.Value.ContentType, result.Value.FileName);
    }

    public Task<IActionResult> OnPostDisclosureAsync(Guid patientId, CancellationToken ct) =>
        DoAsync(patientId, () => recordDisclosure.HandleAsync(new RecordDisclosureCommand(patientId, Disclosure.DisclosedOn, Disclosure.RecipientName,
            Disclosure.RecipientAddress, Disclosure.Description, Disclosure.Purpose, Disclosure.LegalBasis, Disclosure.CorrectsId), ct),
            "The disclosure is recorded.", ct);

    public Task<IActionResult> OnPostSuspendAsync(Guid patientId, CancellationToken ct) =>
        DoAsync(patientId, () => suspend.HandleAsync(new SuspendAccountingCommand(patientId, Suspension.Agency, Suspension.Statement, Suspension.Oral,
            Suspension.From, Suspension.Until), ct), "The suspension is recorded.", ct);

    public Task<IActionResult> OnPostRequestAsync(Guid patientId, CancellationToken ct) =>
        DoAsync(patientId, () => requestAccounting.HandleAsync(new RequestAccountingCommand(patientId, AccountingRequest.PeriodFrom, AccountingRequest.PeriodTo,
            AccountingChannels.Staff, AccountingRequest.Fee), ct), "The request for an accounting is logged.", ct);

    public Task<IActionResult> OnPostExtendAsync(Guid patientId, CancellationToken ct) =>
        DoAsync(patientId, () => extend.HandleAsync(new ExtendAccountingRequestCommand(RequestId, ExtensionReason, RequestVersion), ct),
            "Extended by 30 days; the notice is written.", ct);

    public Task<IActionResult> OnPostAnswerAsync(Guid patientId, CancellationToken ct) =>
        DoAsync(patientId, () => answer.HandleAsync(new AnswerAccountingRequestCommand(RequestId, RequestVersion), ct),
            "The accounting is written and kept: download it below.", ct);

    private async Task<IActionResult> DoAsync<T>(Guid patientId, Func<Task<Result<T>>> action, string notice, CancellationToken ct)
    {
        var result = await action();
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => ShowAsync(patientId, ct));
        }

        TempData["Notice"] = notice;
        return RedirectToPage(new { patientId });
    }

    private async Task<IActionResult> ShowAsync(Guid patientId, CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetAccountingQuery(patientId, From, To), ct);
        if (!result.IsSuccess)
        {
            return result.Error!.Kind == ErrorKind.Invalid ? this.Refuse(result.Error, () => Page()) : this.Refuse(result.Error);
        }

        Accounting = result.Value!;
        return Page();
    }
}
