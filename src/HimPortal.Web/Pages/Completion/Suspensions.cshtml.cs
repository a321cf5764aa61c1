using HimPortal.Application.Common;
using HimPortal.Application.Completion.Aging.ListSuspensions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Completion;

/// <summary>The suspension list for delinquent records (page policy Completion.Manage): in force or the whole history, newest first.</summary>
public sealed class SuspensionsModel(ListSuspensionsHandler handler, HospitalTime hospital) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public bool InForce { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public SuspensionList List { get; private set; } = new([], null, 0);

    public HospitalTime Hospital => hospital;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await handler.HandleAsync(new ListSuspensionsQuery(InForce, After), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        List = result.Value!;
        return Page();
    }
}
