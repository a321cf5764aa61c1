using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Compliance;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
