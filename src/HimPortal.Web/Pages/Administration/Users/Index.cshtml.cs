using HimPortal.Application.Administration.Users.ListUsers;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Administration.Users;

public sealed class IndexModel(ListUsersHandler handler) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public UserListPage Users { get; private set; } = new([], null);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await handler.HandleAsync(new ListUsersQuery(Search, After), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Users = result.Value!;
        return Page();
    }
}
