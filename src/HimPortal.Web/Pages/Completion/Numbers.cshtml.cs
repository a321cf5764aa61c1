using HimPortal.Application.Completion.Aging.GetCompletionNumbers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Completion;

/// <summary>Chart completion in numbers (issue 18 item 4; page policy Completion.Manage); the same panel shows on /Management.</summary>
public sealed class NumbersModel(GetCompletionNumbersHandler handler) : PageModel
{
    public CompletionNumbers Numbers { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await handler.HandleAsync(new GetCompletionNumbersQuery(), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Numbers = result.Value!;
        return Page();
    }
}
