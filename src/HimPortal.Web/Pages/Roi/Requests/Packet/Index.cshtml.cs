using System.ComponentModel.DataAnnotations;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.Packets.CheckPacket;
using HimPortal.Application.Roi.Packets.DecideItem;
using HimPortal.Application.Roi.Packets.GetPacket;
using HimPortal.Application.Roi.Packets.QueuePacket;
using HimPortal.Application.Roi.Packets.Redact;
using HimPortal.Application.Roi.Packets.SelectItems;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Roi.Requests.Packet;

/// <summary>
/// /Roi/Requests/{id}/Packet (issue 17 item 5): the items of the release, included or left out with the reason; the
/// specialist's decisions; redactions marked on a page preview by percentages; build (a job); the check; the packet file.
/// Every handler checks Roi.Process again and audits.
/// </summary>
public sealed class IndexModel(
    GetPacketHandler read,
    SelectItemsHandler select,
    DecideItemHandler decide,
    AddRedactionHandler redact,
    RemoveRedactionHandler lift,
    QueuePacketHandler queue,
    CheckPacketHandler check,
    ReadPacketFileHandler file,
    PreviewPageHandler preview) : PageModel
{
    public PacketPage View { get; private set; } = null!;

    [BindProperty]
    public RedactionInput Redaction { get; set; } = new();

    /// <summary>The item and page shown for marking a redaction (query string).</summary>
    [BindProperty(SupportsGet = true)]
    public long? PreviewItem { get; set; }

    [BindProperty(SupportsGet = true)]
    public int PreviewPage { get; set; } = 1;

    public sealed class RedactionInput
    {
        [Display(Name = "Item")]
        public long ItemId { get; set; }

        [Display(Name = "Page of the item")]
        public int Page { get; set; } = 1;

        [Display(Name = "Left (% of the page width)")]
        public double Left { get; set; }

        [Display(Name = "Top (% of the page height)")]
        public double Top { get; set; }

        [Display(Name = "Width (%)")]
        public double Width { get; set; }

        [Display(Name = "Height (%)")]
        public double Height { get; set; }

        [Display(Name = "Reason")]
        public string? Reason { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var result = await read.HandleAsync(new GetPacketQuery(id), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        View = result.Value!;
        if (PreviewItem is { } item)
        {
            Redaction.ItemId = item;
            Redaction.Page = PreviewPage;
        }

        return Page();
    }

    public Task<IActionResult> OnPostSelectAsync(Guid id, CancellationToken ct) =>
        AfterAsync(id, async () => (await select.HandleAsync(new SelectItemsCommand(id), ct)).Error, "Items selected from the request's scope.", ct);

    public Task<IActionResult> OnPostDecideAsync(Guid id, long itemId, bool include, string? reason, CancellationToken ct) =>
        AfterAsync(id, async () => (await decide.HandleAsync(new DecideItemCommand(id, itemId, include, reason), ct)).Error,
            include ? "Item included." : "Item left out.", ct);

    public Task<IActionResult> OnPostRedactAsync(Guid id, CancellationToken ct) =>
        AfterAsync(id, async () => (await redact.HandleAsync(new AddRedactionCommand(id, Redaction.ItemId, Redaction.Page, Redaction.Left, Redaction.Top,
            Redaction.Width, Redaction.Height, Redaction.Reason), ct)).Error, "Redaction marked: the region is removed when the packet is built.", ct);

    public Task<IActionResult> OnPostLiftAsync(Guid id, long redactionId, CancellationToken ct) =>
        AfterAsync(id, async () => (await lift.HandleAsync(new RemoveRedactionCommand(id, redactionId), ct)).Error, "Redaction lifted.", ct);

    public Task<IActionResult> OnPostBuildAsync(Guid id, uint version, CancellationToken ct) =>
        AfterAsync(id, async () => (await queue.HandleAsync(new QueuePacketCommand(id, version), ct)).Error, "The packet is being built.", ct);

    public Task<IActionResult> OnPostCheckAsync(Guid id, Guid packetId, uint version, CancellationToken ct) =>
        AfterAsync(id, async () => (await check.HandleAsync(new CheckPacketCommand(id, packetId, version), ct)).Error,
            "Packet checked: the request is ready for delivery.", ct);

    public async Task<IActionResult> OnGetFileAsync(Guid id, Guid packetId, CancellationToken ct)
    {
        var result = await file.HandleAsync(new ReadPacketFileQuery(id, packetId), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Response.Headers.CacheControl = "no-store";
        return File(result.Value!.Content, result.Value.MediaType, result.Value.FileName);
    }

    public async Task<IActionResult> OnGetPreviewAsync(Guid id, long itemId, int number, CancellationToken ct)
    {
        var result = await preview.HandleAsync(new PreviewPageQuery(id, itemId, number), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Response.Headers.CacheControl = "no-store";
        Response.Headers.XContentTypeOptions = "nosniff";
        return File(result.Value!, "image/png");
    }

    /// <summary>Post/Redirect/Get on success; the page again with the problem otherwise (the second-person refusal on the page too).</summary>
    private async Task<IActionResult> AfterAsync(Guid id, Func<Task<Error?>> action, string notice, CancellationToken ct)
    {
        var error = await action();
        if (error is null)
        {
            TempData["Notice"] = notice;
            return RedirectToPage(new { id });
        }

        if (error == CheckPacketHandler.SamePerson)
        {
            ModelState.AddModelError(string.Empty, error.Message);
            Response.StatusCode = StatusCodes.Status403Forbidden;
            return await OnGetAsync(id, ct);
        }

        return await this.RefuseAsync(error, () => OnGetAsync(id, ct));
    }
}
