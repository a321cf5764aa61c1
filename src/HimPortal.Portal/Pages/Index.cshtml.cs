using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Portal.Pages;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
