using HimPortal.Application.Access;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Charts;

public static class ChartReadResults
{
    /// <summary>
    /// How a page answers a read of part of a chart: the page when shown; the chart (with its break-the-glass form) when
    /// the physician has no reason on record; 403 when the role may not; 404 when there is no such record.
    /// </summary>
    public static IActionResult Answer<T>(this PageModel page, ChartRead<T> read, Guid patientId)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(read);
        return read.Status switch
        {
            ChartReadStatus.Shown => page.Page(),
            ChartReadStatus.BreakGlassRequired => page.RedirectToPage("/Charts/Chart", new { patientId }),
            ChartReadStatus.Denied => page.Forbid(),
            _ => page.NotFound(),
        };
    }
}
