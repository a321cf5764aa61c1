using HimPortal.Application.Common;
using HimPortal.Application.Compliance.UserActivity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Compliance;

/// <summary>The ready view "what did user Y access" over the last days (folder policy Audit.Review).</summary>
public sealed class UserModel(UserActivityHandler handler, HospitalTime hospital) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int Days { get; set; } = 30;

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public UserActivityReport Report { get; private set; } = null!;

    public HospitalTime Hospital => hospital;

    public async Task<IActionResult> OnGetAsync(Guid userId, CancellationToken ct)
    {
        var result = await handler.HandleAsync(new UserActivityQuery(userId, Days, After), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Report = result.Value!;
        return Page();
    }
}
