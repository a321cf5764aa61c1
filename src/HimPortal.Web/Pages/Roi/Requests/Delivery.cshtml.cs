using HimPortal.Application.Common;
using HimPortal.Application.Roi.Delivery.CreateDownloadLink;
using HimPortal.Application.Roi.Delivery.GetDelivery;
using HimPortal.Application.Roi.Delivery.GetPacketFile;
using HimPortal.Application.Roi.Delivery.PrintMailingLabel;
using HimPortal.Application.Roi.Delivery.RecordDelivery;
using HimPortal.Application.Roi.Delivery.RevokeDownloadLink;
using HimPortal.Application.Roi.Delivery.SendUnencryptedEmail;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Roi.Requests;

/// <summary>
/// Delivering the packet: a secure download link (its address shown once, here, right after it is made), printing with a
/// mailing label and the tracking number, pickup with the identity check, unencrypted e-mail when asked for after the
/// warning; then the proof and the disclosure recorded. Roi.Process (folder).
/// </summary>
public sealed class DeliveryModel(
    GetDeliveryHandler get,
    CreateDownloadLinkHandler createLink,
    RevokeDownloadLinkHandler revoke,
    RecordDeliveryHandler record,
    SendUnencryptedEmailHandler email,
    PrintMailingLabelHandler label,
    GetPacketFileHandler packet,
    HospitalTime time) : PageModel
{
    public DeliveryView Delivery { get; private set; } = null!;

    [BindProperty]
    public uint Version { get; set; }

    [BindProperty]
    public bool SendEmail { get; set; } = true;

    [BindProperty]
    public RecordInput Record { get; set; } = new();

    [BindProperty]
    public Guid LinkId { get; set; }

    [BindProperty]
    public uint LinkVersion { get; set; }

    /// <summary>The new link's address, shown once (it is never stored in clear).</summary>
    public string? NewLink { get; private set; }

    public sealed class RecordInput
    {
        public string? Method { get; set; }

        public string? TrackingNumber { get; set; }

        public string? PickedUpBy { get; set; }

        public string? IdType { get; set; }

        public string? IdLastDigits { get; set; }
    }

    public string At(DateTimeOffset at) => time.Format(at);

    public Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => ShowAsync(id, ct);

    public async Task<IActionResult> OnGetPacketAsync(Guid id, CancellationToken ct) => Download(await packet.HandleAsync(new GetPacketFileQuery(id), ct));

    public async Task<IActionResult> OnPostLabelAsync(Guid id, CancellationToken ct)
    {
        var result = await label.HandleAsync(new PrintMailingLabelCommand(id), ct);
        return result.IsSuccess ? Download(result) : await this.RefuseAsync(result.Error!, () => ShowAsync(id, ct));
    }

    public async Task<IActionResult> OnPostLinkAsync(Guid id, CancellationToken ct)
    {
        var result = await createLink.HandleAsync(new CreateDownloadLinkCommand(id, Version, SendEmail), ct);
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => ShowAsync(id, ct));
        }

        // Shown on this answer only, never through TempData (a cookie) or a redirect's address.
        var created = result.Value!;
        NewLink = $"{Request.Scheme}://{Request.Host}{created.Path}";
        ViewData["Notice"] = (created.Resent ? "A new link to the released packet was made." : "The packet is released by a secure download link.")
                             + (created.Emailed ? " The link was e-mailed to the requester." : created.EmailProblem is { } problem ? " " + problem : "");
        Response.Headers.CacheControl = "no-store";
        return await ShowAsync(id, ct);
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid id, CancellationToken ct)
    {
        var result = await revoke.HandleAsync(new RevokeDownloadLinkCommand(LinkId, LinkVersion), ct);
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => ShowAsync(id, ct));
        }

        TempData["Notice"] = "The link is revoked.";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRecordAsync(Guid id, CancellationToken ct)
    {
        var result = await record.HandleAsync(new RecordDeliveryCommand(id, Record.Method, Record.TrackingNumber, Record.PickedUpBy, Record.IdType,
            Record.IdLastDigits, Version), ct);
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => ShowAsync(id, ct));
        }

        TempData["Notice"] = "The delivery is recorded and the disclosure is in the patient's history.";
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostEmailAsync(Guid id, CancellationToken ct)
    {
        var result = await email.HandleAsync(new SendUnencryptedEmailCommand(id, Version), ct);
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => ShowAsync(id, ct));
        }

        TempData["Notice"] = "The packet was e-mailed and the delivery recorded.";
        return RedirectToPage(new { id });
    }

    private IActionResult Download(Result<Application.Roi.Fees.GetInvoicePdf.RoiFile> result)
    {
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Response.Headers.CacheControl = "private, no-store";
        return File(result.Value!.Content, result.Value.ContentType, result.Value.FileName);
    }

    private async Task<IActionResult> ShowAsync(Guid id, CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetDeliveryQuery(id), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Delivery = result.Value!;
        Version = Delivery.Version;
        return Page();
    }
}
