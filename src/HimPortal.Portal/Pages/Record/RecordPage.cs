using System.Globalization;
using HimPortal.Application.Access;
using HimPortal.Application.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Portal.Pages.Record;

/// <summary>What the record's pages share: dates in the hospital's time, and how a read's outcome is answered.</summary>
public abstract class RecordPage(HospitalTime hospital) : PageModel
{
    public string Day(DateTimeOffset? at) =>
        at is { } instant ? hospital.Local(instant).ToString("d MMM yyyy", CultureInfo.InvariantCulture) : "date not recorded";

    /// <summary>
    /// Shown: the page. Refused (a grant that ended or was revoked, a record not the account's): back to "whose record",
    /// which lists only whom the account reaches now. Not found (another person's item, a hidden one): 404. The gate
    /// has audited every outcome.
    /// </summary>
    protected IActionResult Answer<T>(ChartRead<T> read)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(read);
        return read.Status switch
        {
            ChartReadStatus.Shown => Page(),
            ChartReadStatus.NotFound => NotFound(),
            _ => RedirectToPage("/People/Index"),
        };
    }

    /// <summary>The link to ask for a correction of an item (45 CFR 164.526), to the corrections page.</summary>
    public static string CorrectionLink(string resourceType, Guid id) =>
        $"/Corrections/New?resourceType={Uri.EscapeDataString(resourceType)}&resourceId={id:D}";
}

/// <summary>One list of the record's summary (problems, medicines, allergies, vaccinations) for the _Entries partial.</summary>
public sealed record EntriesModel(IReadOnlyList<HimPortal.Application.Portal.Record.RecordEntry> Entries, string TestId, string What, string Empty, RecordPage Page);
