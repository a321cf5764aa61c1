using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Charts;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
