using HimPortal.Application.Documents.PrintCoverSheets;
using HimPortal.Application.Patients.SearchPatients;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Intake;

/// <summary>
/// Print barcode cover sheets (issue 15 item 4): find the patient (the patient search), choose an encounter of theirs or
/// none, tick one or more document types; the PDF downloads, one sheet per type. Intake.Index (page policy, beside the
/// folder's Intake.Import); the handlers check it again and audit the choices shown and the print.
/// </summary>
public sealed class CoverSheetsModel(SearchPatientsHandler search, CoverSheetChoicesHandler choices, PrintCoverSheetsHandler print) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Name { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Mrn { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? BirthDate { get; set; }

    [BindProperty(SupportsGet = true)]
    public Guid? PatientId { get; set; }

    public sealed class InputModel
    {
        public Guid PatientId { get; set; }

        public Guid? EncounterId { get; set; }

        public List<Guid> DocumentTypeIds { get; set; } = [];
    }

    [BindProperty]
    public InputModel Input { get; set; } = new();

    public PatientSearchPage? Results { get; private set; }

    public CoverSheetChoices? Choices { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (PatientId is { } patientId)
        {
            return await ShowChoicesAsync(patientId, ct);
        }

        if (string.IsNullOrWhiteSpace(Name) && string.IsNullOrWhiteSpace(Mrn) && BirthDate is null)
        {
            return Page();
        }

        var result = await search.HandleAsync(new SearchPatientsQuery(Name, Mrn, BirthDate), ct);
        if (result.IsSuccess)
        {
            Results = result.Value;
        }
        else
        {
            ModelState.AddModelError(string.Empty, result.Error!.Message);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await print.HandleAsync(new PrintCoverSheetsCommand(Input.PatientId, Input.EncounterId, Input.DocumentTypeIds), ct);
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => ShowChoicesAsync(Input.PatientId, ct));
        }

        // The file name names no patient: downloads folders and print queues list it.
        return File(result.Value!.Pdf, "application/pdf", $"cover-sheets-{DateTime.UtcNow:yyyyMMdd-HHmmss}.pdf");
    }

    private async Task<IActionResult> ShowChoicesAsync(Guid patientId, CancellationToken ct)
    {
        var result = await choices.HandleAsync(new CoverSheetChoicesQuery(patientId), ct);
        if (!result.IsSuccess)
        {
            return result.Error!.Kind == Application.Common.ErrorKind.Conflict ? this.Refuse(result.Error, Page) : this.Refuse(result.Error);
        }

        Choices = result.Value;
        Input.PatientId = patientId;
        return Page();
    }
}
