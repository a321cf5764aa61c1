using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Intake;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
