using HimPortal.Application.Administration.SystemStatus;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Administration;

/// <summary>System status for administrators (folder policy Users.Manage; the handler asks Jobs.Monitor): caches and the job queue.</summary>
public sealed class SystemModel(GetSystemStatusHandler handler) : PageModel
{
    public SystemStatus Status { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await handler.HandleAsync(new GetSystemStatusQuery(), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Status = result.Value!;
        return Page();
    }
}
