using HimPortal.Application.Access;
using HimPortal.Application.Access.BreakGlass;
using HimPortal.Application.Charts.GetChart;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Charts;

/// <summary>
/// A patient's chart. The handler applies the access rules on every GET and POST; without a reason on record the
/// physician gets the break-the-glass form here instead of the chart.
/// </summary>
public sealed class ChartModel(GetChartHandler chart, BreakGlassHandler breakGlass, TimeProvider clock) : PageModel
{
    public sealed class BreakGlassInput
    {
        public string? ReasonCode { get; set; }

        public string? ReasonText { get; set; }

        public bool Attested { get; set; }
    }

    [BindProperty(SupportsGet = true, Name = "class")]
    public string? EncounterClass { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? DocType { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? DocFrom { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? DocTo { get; set; }

    /// <summary>The documents list's filter (type, date): the chart is read whole and cached, so the list is filtered here.</summary>
    public DocumentFilter DocumentFilter => new(DocType?.Trim(), DocFrom, DocTo);

    /// <summary>Every row of every list; by default long lists show their newest rows and a link to all of them.</summary>
    [BindProperty(SupportsGet = true)]
    public bool All { get; set; }

    [BindProperty]
    public BreakGlassInput Input { get; set; } = new();

    /// <summary>How many of a long list's newest rows the chart shows at first (a large chart has hundreds).</summary>
    public const int RecentRows = 20;

    public IEnumerable<T> Recent<T>(IReadOnlyList<T> rows) => All ? rows : rows.Take(RecentRows);

    public bool IsCut(int rows) => !All && rows > RecentRows;

    public string AllUrl(string anchor) =>
        Url.Page("/Charts/Chart", new
        {
            patientId = Entry.Patient.Id,
            all = true,
            @class = EncounterClass,
            from = From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            to = To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        }) + "#" + anchor;

    public ChartRead<ChartView> Read { get; private set; } = ChartRead<ChartView>.NotFound();

    public ChartEntry Entry => Read.Entry!;

    public ChartView View => Read.Content!;

    public DateOnly Today { get; private set; }

    /// <summary>Where else this reader may take the patient: chart access management, the access history.</summary>
    public SearchLeads Leads => _leads ??= new SearchLeads(User.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value).ToList());

    private SearchLeads? _leads;

    public Task<IActionResult> OnGetAsync(Guid patientId, CancellationToken ct) => ShowAsync(patientId, ct);

    public async Task<IActionResult> OnPostBreakGlassAsync(Guid patientId, CancellationToken ct)
    {
        var result = await breakGlass.HandleAsync(new BreakGlassCommand(patientId, Input.ReasonCode, Input.ReasonText, Input.Attested), ct);
        if (result.IsSuccess || result.Error == AccessErrors.BreakGlassNotNeeded)
        {
            return RedirectToPage(new { patientId });
        }

        return await this.RefuseAsync(result.Error!, () => ShowAsync(patientId, ct));
    }

    private async Task<IActionResult> ShowAsync(Guid patientId, CancellationToken ct)
    {
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var filter = new EncounterFilter(string.IsNullOrWhiteSpace(EncounterClass) ? null : EncounterClass.Trim(), From, To);
        Read = await chart.HandleAsync(new GetChartQuery(patientId, filter), ct);
        return Read.Status switch
        {
            ChartReadStatus.NotFound => NotFound(),
            ChartReadStatus.Denied => Forbid(),
            _ => Page(),
        };
    }
}
