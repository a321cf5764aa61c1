using HimPortal.Application.Common;
using HimPortal.Application.Patients.SearchPatients;
using HimPortal.Application.Roi.GetRequestOptions;
using HimPortal.Application.Roi.LogRequest;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Roi.Requests;

/// <summary>
/// Log a request (issue 17 item 1): find the patient through the patient index (the core search, by name, MRN or birth
/// date), then the request's fields. Roi.Process (folder); the handlers check again and audit.
/// </summary>
public sealed class NewModel(SearchPatientsHandler search, GetRequestOptionsHandler options, LogRequestHandler log, HospitalTime hospital, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Name { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Mrn { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? BirthDate { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? PatientId { get; set; }

    [BindProperty]
    public RequestForm Form { get; set; } = new();

    public PatientSearchPage? Found { get; private set; }

    public RequestOptions? Options { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(Name) || !string.IsNullOrWhiteSpace(Mrn) || BirthDate is not null)
        {
            var found = await search.HandleAsync(new SearchPatientsQuery(Name, Mrn, BirthDate), ct);
            if (!found.IsSuccess)
            {
                return this.Refuse(found.Error!, Page);
            }

            Found = found.Value;
        }

        Form.ReceivedOn = hospital.DayOf(clock.GetUtcNow());
        return await ShowAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await log.HandleAsync(new LogRequestCommand(PatientId ?? Guid.Empty, Form.ToFields(hospital, clock)), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = $"Request {result.Value!.Display} logged; due {result.Value.DueDay:yyyy-MM-dd} ({result.Value.ClockCitation}).";
            return Redirect($"/Roi/Requests/{result.Value.Id}");
        }

        return await this.RefuseAsync(result.Error!, () => ShowAsync(ct));
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        var result = await options.HandleAsync(new GetRequestOptionsQuery(PatientId), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        Options = result.Value;
        return Page();
    }
}
