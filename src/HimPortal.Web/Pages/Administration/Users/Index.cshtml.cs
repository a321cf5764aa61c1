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

    public async Task OnGetAsync(CancellationToken ct) =>
        Users = await handler.HandleAsync(new ListUsersQuery(Search, After), ct);
}
