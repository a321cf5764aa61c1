using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Account;

public sealed class AccessDeniedModel : PageModel
{
    public void OnGet()
    {
    }
}
