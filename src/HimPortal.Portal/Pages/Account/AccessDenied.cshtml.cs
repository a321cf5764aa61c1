using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Portal.Pages.Account;

public sealed class AccessDeniedModel : PageModel
{
    public void OnGet()
    {
    }
}
