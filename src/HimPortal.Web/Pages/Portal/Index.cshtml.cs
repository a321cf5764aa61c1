using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Portal;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
