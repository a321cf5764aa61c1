using HimPortal.Application.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Completion;

/// <summary>How chart completion's forms answer a handler: Post/Redirect/Get with a notice, or the form again with every problem under its input.</summary>
internal static class FormErrors
{
    /// <summary>A handler's field problems under the form's prefix ("Settings.GoLive"), so the page's inputs and summary show them.</summary>
    public static Error Prefixed(Error error, string form) => form.Length > 0 && error.Kind == ErrorKind.Invalid
        ? error with { Fields = [.. error.Problems.Select(p => p with { Field = p.Field.Length == 0 ? "" : $"{form}.{p.Field}" })] }
        : error;

    public static async Task<IActionResult> AfterAsync<T>(this PageModel page, Result<T> result, string notice, string form, Func<Task<IActionResult>> show, object? route = null)
    {
        if (result.IsSuccess)
        {
            page.TempData["Notice"] = notice;
            return page.RedirectToPage(route);
        }

        return await page.RefuseAsync(Prefixed(result.Error!, form), show);
    }
}
