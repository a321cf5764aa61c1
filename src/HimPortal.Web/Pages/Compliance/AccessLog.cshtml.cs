using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.AccessLog;
using HimPortal.Application.Compliance.ExportAccessLog;
using HimPortal.Application.Compliance.FindUsers;
using HimPortal.Application.Compliance.SearchAccessLog;
using HimPortal.Application.Patients.SearchPatients;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Compliance;

/// <summary>
/// The access-log search (folder policy Audit.Review). A patient is found by name or MRN and a user by e-mail or name
/// first (both searches audited), then the log is filtered by their ids; the CSV export streams the same filter.
/// </summary>
public sealed class AccessLogModel(
    SearchAccessLogHandler search,
    ExportAccessLogHandler export,
    SearchPatientsHandler patients,
    FindUsersHandler users,
    HospitalTime hospital) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? PatientId { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? UserId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? PatientText { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? UserText { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "action")]
    public string? EventAction { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Outcome { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool BreakGlass { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? After { get; set; }

    public IReadOnlyList<PatientSearchResult>? PatientChoices { get; private set; }

    public IReadOnlyList<FoundUser>? UserChoices { get; private set; }

    public AccessLogPage? Results { get; private set; }

    public HospitalTime Hospital => hospital;

    /// <summary>Who the chosen patient is, from the search that chose them or the events shown (never from the link).</summary>
    public string? ChosenPatient =>
        PatientChoices is [var only] ? $"{only.Name} (MRN {only.Mrn})"
        : Results?.Rows.FirstOrDefault(r => r.PatientName is not null) is { } row ? $"{row.PatientName} (MRN {row.PatientMrn})" : null;

    public string? ChosenUser =>
        UserChoices is [var only] ? $"{only.DisplayName} ({only.Email})" : Results?.Rows.FirstOrDefault(r => r.UserName is not null)?.UserName;

    public AccessLogFilter Filter => new(PatientId, UserId, From, To, Blank(EventAction), Blank(Outcome), BreakGlass);

    public bool HasCriteria => PatientId is not null || UserId is not null || From is not null || To is not null
                               || Blank(EventAction) is not null || Blank(Outcome) is not null || BreakGlass;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            ModelState.AddModelError(string.Empty, "Enter dates as dates (yyyy-mm-dd).");
            return Page();
        }

        await ResolveSubjectsAsync(ct);
        if (!HasCriteria || PatientChoices is { Count: not 1 } || UserChoices is { Count: not 1 })
        {
            return Page();
        }

        var result = await search.HandleAsync(new SearchAccessLogQuery(Filter, Blank(After)), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        Results = result.Value;
        return Page();
    }

    /// <summary>Streams the CSV of the current filter; on a refused filter shows the page with the reason instead.</summary>
    public async Task<IActionResult> OnGetExportAsync(CancellationToken ct)
    {
        var result = await export.HandleAsync(new ExportAccessLogCommand(Filter, fileName =>
        {
            Response.ContentType = "text/csv; charset=utf-8";
            Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            Response.Headers.CacheControl = "no-store";
            // Rows go out as they are read: nothing is held back to compute a length.
            HttpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            return Response.Body;
        }), ct);
        if (result.IsSuccess)
        {
            return new EmptyResult();
        }

        return this.Refuse(result.Error!, Page);
    }

    public string Link(object? changes = null)
    {
        var values = new RouteValueDictionary
        {
            ["patientId"] = PatientId,
            ["userId"] = UserId,
            ["from"] = From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["to"] = To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["action"] = Blank(EventAction),
            ["outcome"] = Blank(Outcome),
            ["breakGlass"] = BreakGlass ? "true" : null,
        };
        foreach (var (key, value) in new RouteValueDictionary(changes))
        {
            values[key] = value;
        }

        return Url.Page("/Compliance/AccessLog", values)!;
    }

    public static IReadOnlyList<string> Actions => AuditAction.All;

    public static IReadOnlyList<string> Outcomes => AuditOutcome.All;

    private async Task ResolveSubjectsAsync(CancellationToken ct)
    {
        if (PatientId is null && !string.IsNullOrWhiteSpace(PatientText))
        {
            var text = PatientText.Trim();
            // An MRN has digits, a name usually none: text with digits is tried as an MRN first, then as a name.
            var byMrn = text.Any(char.IsDigit);
            var found = await patients.HandleAsync(new SearchPatientsQuery(byMrn ? null : text, byMrn ? text : null, null, PageSize: 20), ct);
            if (byMrn && found.IsSuccess && found.Value!.Patients.Count == 0 && text.Any(char.IsLetter))
            {
                found = await patients.HandleAsync(new SearchPatientsQuery(text, null, null, PageSize: 20), ct);
            }
            if (!found.IsSuccess)
            {
                ModelState.AddModelError(string.Empty, found.Error!.Message);
                PatientChoices = [];
            }
            else
            {
                PatientChoices = found.Value!.Patients;
                PatientId = PatientChoices.Count == 1 ? PatientChoices[0].Id : null;
            }
        }

        if (UserId is null && !string.IsNullOrWhiteSpace(UserText))
        {
            var found = await users.HandleAsync(new FindUsersQuery(UserText), ct);
            if (!found.IsSuccess)
            {
                ModelState.AddModelError(string.Empty, found.Error!.Message);
                UserChoices = [];
            }
            else
            {
                UserChoices = found.Value!;
                UserId = UserChoices.Count == 1 ? UserChoices[0].Id : null;
            }
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
