using HimPortal.Application.Access;
using HimPortal.Application.Documents.Unreadable;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Intake;

/// <summary>
/// /Intake/Unreadable: the files parked as unreadable, oldest first, keyset-paged, with a download of each original
/// (audited). Needs Intake.Index besides the folder's Intake.Import; the handlers check it again. Dispositioning a
/// parked file (closing it, asking the sender again) is not built yet.
/// </summary>
[Authorize(Policy = Permissions.IntakeIndex)]
public sealed class UnreadableModel(ListUnreadableHandler list, DownloadReceivedFileHandler download) : PageModel
{
    public IReadOnlyList<UnreadableFile> Files { get; private set; } = [];

    public string? Next { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? after, CancellationToken ct)
    {
        var result = await list.HandleAsync(new ListUnreadableQuery(after), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Files = result.Value!.Files;
        Next = result.Value.Next;
        return Page();
    }

    public async Task<IActionResult> OnGetDownloadAsync(Guid id, CancellationToken ct)
    {
        var result = await download.HandleAsync(new DownloadReceivedFileQuery(id), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        var file = result.Value!;
        Response.Headers.CacheControl = "no-store";
        Response.Headers.XContentTypeOptions = "nosniff";
        // An attachment, never shown inline: the file is untrusted.
        return File(file.Content, "application/octet-stream", file.Name);
    }
}
