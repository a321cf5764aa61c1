using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Roi;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
