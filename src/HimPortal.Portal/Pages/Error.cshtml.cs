using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Portal.Pages;

/// <summary>The answer to an unhandled exception and to an error status without a body, in plain words, keeping the status.</summary>
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
        var status = Response.StatusCode >= 400 ? Response.StatusCode : code ?? StatusCodes.Status500InternalServerError;
        (Title, Message) = status switch
        {
            StatusCodes.Status404NotFound => ("Page not found", "There is nothing at this address."),
            StatusCodes.Status403Forbidden => ("Not available", "This page is not available to your account."),
            StatusCodes.Status429TooManyRequests => ("Please wait", "There were too many tries. Wait a few minutes and try again."),
            StatusCodes.Status400BadRequest or StatusCodes.Status405MethodNotAllowed => ("That did not work",
                "The page could not read what was sent, and nothing was changed. Open the page again and try once more."),
            _ => ("Something went wrong", "Nothing was changed. Please try again later."),
        };
    }
}
