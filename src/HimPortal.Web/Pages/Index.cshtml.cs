using System.Security.Claims;
using HimPortal.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages;

/// <summary>Sends a user with one role straight to that role's work; a user with several roles picks.</summary>
public sealed class IndexModel : PageModel
{
    public IReadOnlyList<HomePages.Home> Homes { get; private set; } = [];

    public IActionResult OnGet()
    {
        Homes = HomePages.For(User.FindAll(ClaimTypes.Role).Select(c => c.Value));
        return Homes.Count == 1 ? LocalRedirect(Homes[0].Path) : Page();
    }
}
