using HimPortal.Application.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Infrastructure;

/// <summary>
/// The staff pages that change one thing of a patient's and list them again (information-blocking holds, personal
/// representatives): after a change, a notice and a redirect to the list (post/redirect/get, so a reload never changes
/// twice); a refusal answers not found or forbidden as such, anything else shows the list again with the message.
/// </summary>
public static class PatientListPages
{
    /// <param name="show">Shows the list again with the refusal.</param>
    public static async Task<IActionResult> AfterChangeAsync(this PageModel page, Guid patientId, Error? error, string notice,
        Func<Error, Task<IActionResult>> show)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(show);
        if (error is null)
        {
            page.TempData["Notice"] = notice;
            return page.RedirectToPage(new { patientId });
        }

        return await show(error);
    }

    /// <param name="read">Reads the patient's list (audited by its handler); not called when the refusal is not found or forbidden.</param>
    /// <param name="shown">Keeps what was read for the page.</param>
    public static async Task<IActionResult> ShowListAsync<T>(this PageModel page, Error? error, Func<Task<Result<T>>> read, Action<T> shown)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(shown);
        if (error is { Kind: ErrorKind.NotFound or ErrorKind.Forbidden })
        {
            return page.Refuse(error);
        }

        var result = await read();
        if (!result.IsSuccess)
        {
            return page.Refuse(result.Error!);
        }

        shown(result.Value!);
        if (error is not null)
        {
            page.ModelState.AddModelError(string.Empty, error.Message);
        }

        return page.Page();
    }
}
