using HimPortal.Application.Roi.Delivery.DownloadPacket;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Release;

/// <summary>
/// Where a secure download link lands, anonymous (PermissionAuthorization). Opening the link shows a button; the download
/// is the button's POST, so a mail scanner or a link preview that fetches the address spends no download. The token comes
/// in the query string, which the request log never records (Program.cs logs paths only), and goes back in the form.
/// </summary>
public sealed class DownloadModel(DownloadPacketHandler download) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    public string? Refusal { get; private set; }

    public IActionResult OnGet()
    {
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        var result = await download.HandleAsync(new DownloadPacketCommand(Token ?? ""), ct);
        if (!result.IsSuccess)
        {
            Refusal = result.Error!.Message;
            Response.StatusCode = result.Error.Kind == Application.Common.ErrorKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status429TooManyRequests;
            return Page();
        }

        if (result.Value!.File is not { } file)
        {
            Refusal = result.Value.Refusal;
            Response.StatusCode = StatusCodes.Status410Gone;
            return Page();
        }

        return File(file.Content, file.ContentType, file.FileName);
    }
}
