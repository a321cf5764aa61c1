using System.Security.Claims;
using HimPortal.Application.Access;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Intake;

/// <summary>Record intake's home: each link shown only to those whose roles grant its page (the pages check again).</summary>
public sealed class IndexModel : PageModel
{
    public bool May(string permission) => RolePermissions.Grants(User.FindAll(ClaimTypes.Role).Select(c => c.Value), permission);

    public void OnGet()
    {
    }
}
