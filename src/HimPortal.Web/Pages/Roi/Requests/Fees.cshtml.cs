using HimPortal.Application.Common;
using HimPortal.Application.Roi.Fees.GetFees;
using HimPortal.Application.Roi.Fees.GetInvoicePdf;
using HimPortal.Application.Roi.Fees.IssueInvoice;
using HimPortal.Application.Roi.Fees.RecordPayment;
using HimPortal.Application.Roi.Fees.VoidInvoice;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Roi.Requests;

/// <summary>
/// The request's fee: the calculation line by line with the rule of each line (an estimate of pages, or a policy fee, can
/// be typed in to recalculate before issuing), the invoices with their PDFs, payments and voiding. Roi.Process (folder).
/// </summary>
public sealed class FeesModel(
    GetFeesHandler get,
    IssueInvoiceHandler issue,
    RecordPaymentHandler pay,
    VoidInvoiceHandler voidInvoice,
    GetInvoicePdfHandler pdf,
    HospitalTime time) : PageModel
{
    public FeesView Fees { get; private set; } = null!;

    [BindProperty(SupportsGet = true)]
    public int? EstimatedPages { get; set; }

    [BindProperty(SupportsGet = true)]
    public decimal? PolicyFee { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? PolicyReason { get; set; }

    [BindProperty]
    public uint Version { get; set; }

    [BindProperty]
    public PaymentInput Payment { get; set; } = new();

    [BindProperty]
    public VoidInput Void { get; set; } = new();

    public sealed class PaymentInput
    {
        public Guid InvoiceId { get; set; }

        public decimal? Amount { get; set; }

        public string? Method { get; set; }

        public string? Reference { get; set; }
    }

    public sealed class VoidInput
    {
        public Guid InvoiceId { get; set; }

        public uint InvoiceVersion { get; set; }

        public string? Reason { get; set; }
    }

    public string At(DateTimeOffset at) => time.Format(at);

    public static string Money(int cents) => Application.Roi.RoiAudit.Money(cents);

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => ShowAsync(id, ct);

    public async Task<IActionResult> OnGetPdfAsync(Guid id, Guid invoiceId, CancellationToken ct)
    {
        var result = await pdf.HandleAsync(new GetInvoicePdfQuery(id, invoiceId), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Response.Headers.CacheControl = "private, no-store";
        return File(result.Value!.Content, result.Value.ContentType, result.Value.FileName);
    }

    public async Task<IActionResult> OnPostIssueAsync(Guid id, CancellationToken ct)
    {
        var result = await issue.HandleAsync(new IssueInvoiceCommand(id, EstimatedPages, PolicyFee, PolicyReason, Version), ct);
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => ShowAsync(id, ct));
        }

        TempData["Notice"] = $"Invoice {result.Value!.Number} issued: {Money(result.Value.TotalCents)}."
                             + (result.Value.MovedToInvoiced ? " The request is now invoiced." : "");
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostPayAsync(Guid id, CancellationToken ct)
    {
        var result = await pay.HandleAsync(new RecordPaymentCommand(Payment.InvoiceId, Payment.Amount ?? 0, Payment.Method, Payment.Reference), ct);
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => ShowAsync(id, ct));
        }

        TempData["Notice"] = $"Payment recorded. Balance: {Money(result.Value!.BalanceCents)}.";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostVoidAsync(Guid id, CancellationToken ct)
    {
        var result = await voidInvoice.HandleAsync(new VoidInvoiceCommand(Void.InvoiceId, Void.Reason, Void.InvoiceVersion), ct);
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => ShowAsync(id, ct));
        }

        TempData["Notice"] = "Invoice voided. Issue the corrected invoice below.";
        return RedirectToPage(new { id });
    }

    private async Task<IActionResult> ShowAsync(Guid id, CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetFeesQuery(id, EstimatedPages, PolicyFee, PolicyReason), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Fees = result.Value!;
        Version = Fees.Version;
        return Page();
    }
}
