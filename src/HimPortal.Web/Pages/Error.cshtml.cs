using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages;

/// <summary>Shows the correlation id, never a stack trace: the details are in the log under that id.</summary>
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public string CorrelationId { get; private set; } = "";

    public void OnGet() => CorrelationId = HttpContext.TraceIdentifier;

    public void OnPost() => CorrelationId = HttpContext.TraceIdentifier;
}
