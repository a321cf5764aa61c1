using HimPortal.Application.Roi.Portal.DownloadMyCopy;
using HimPortal.Portal.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Portal.Pages.Copies;

/// <summary>
/// The download of a released copy: a POST (a link preview or a prefetch spends no download), streamed from the store to
/// the response (FileStreamResult copies in chunks and disposes the stream), never held whole in memory.
/// </summary>
public sealed class DownloadModel(DownloadMyCopyHandler handler, CurrentPerson current) : PageModel
{
    public string? Refusal { get; private set; }

    public IActionResult OnGet() => Redirect("/Copies");

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            return NotFound();
        }

        var result = await handler.HandleAsync(new DownloadMyCopyCommand(patientId, id), ct);
        if (!result.IsSuccess)
        {
            if (result.Error!.Kind != Application.Common.ErrorKind.Conflict)
            {
                return this.Refuse(result.Error);
            }

            Refusal = result.Error.Message;
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }

        var file = result.Value!;
        return File(file.Content, file.ContentType, file.FileName);
    }
}
