using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages;

/// <summary>
/// The answer to an unhandled exception (UseExceptionHandler) and to an error status without a body (404, 403, 400, …:
/// UseStatusCodePagesWithReExecute), inside the layout with a way back. It keeps the response's status and shows the
/// correlation id, never a stack trace: the details are in the log under that id.
/// </summary>
[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public string CorrelationId { get; private set; } = "";

    public string Title { get; private set; } = "";

    public string Message { get; private set; } = "";

    public void OnGet(int? code) => Describe(code);

    public void OnPost(int? code) => Describe(code);

    private void Describe(int? code)
    {
        CorrelationId = HttpContext.TraceIdentifier;
        // The re-executed request keeps the original status; the path's code only names it when the page is opened directly.
        var status = Response.StatusCode >= 400 ? Response.StatusCode : code ?? StatusCodes.Status500InternalServerError;
        (Title, Message) = status switch
        {
            StatusCodes.Status404NotFound => ("Page not found",
                "Nothing was found at this address. Check the address, or go back to your work."),
            StatusCodes.Status403Forbidden => ("Not permitted",
                "Your role does not give access to that page. The attempt has been recorded."),
            StatusCodes.Status400BadRequest or StatusCodes.Status405MethodNotAllowed => ("The request could not be used",
                "The page could not read what was sent, and nothing was changed. Open the page again and repeat what you did."),
            _ => ("Something went wrong",
                "The request could not be completed and nothing was changed."),
        };
    }
}
