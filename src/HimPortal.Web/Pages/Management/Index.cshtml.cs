using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Management;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
