using System.Text.Json;
using HimPortal.Application.Access;
using HimPortal.Application.Intake.ImportBundles;
using HimPortal.Application.Jobs;
using HimPortal.Application.Jobs.CancelJob;
using HimPortal.Application.Jobs.GetJob;
using HimPortal.Application.Patients.IdentifyPatients;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Jobs;

/// <summary>
/// One job: its status, progress and result (an import's file-by-file outcome), refreshed every two seconds while it
/// runs. Its requester, or whoever watches the queue (Jobs.Monitor), may see and cancel it; anyone else gets 404.
/// An import's result keeps patient ids only (the job's row is readable by queue watchers); the page names the patients
/// for a reader who may see demographics, each naming audited as a view of that patient's demographics.
/// </summary>
public sealed class JobModel(GetJobHandler get, CancelJobHandler cancel, IdentifyPatientsHandler identify) : PageModel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public JobView Job { get; private set; } = null!;

    public ImportSummaryView? Import { get; private set; }

    /// <summary>A document capture's file-by-file outcome (an upload, an inbox poll).</summary>
    public Application.Documents.CaptureFiles.CaptureSummary? Capture { get; private set; }

    public IReadOnlyList<KeyValuePair<string, string>> Outcome { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetJobQuery(id), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Job = result.Value!;
        if (!Job.IsFinished)
        {
            ViewData["Refresh"] = "2";
        }

        if (Job.Result is { } json)
        {
            if (Job.Kind.StartsWith("intake.import", StringComparison.Ordinal))
            {
                Import = await NameAsync(JsonSerializer.Deserialize<ImportSummary>(json, Json)!, ct);
            }
            else if (Job.Kind.StartsWith("documents.", StringComparison.Ordinal))
            {
                Capture = JsonSerializer.Deserialize<Application.Documents.CaptureFiles.CaptureSummary>(json, Json);
            }
            else
            {
                using var document = JsonDocument.Parse(json);
                Outcome = document.RootElement.ValueKind == JsonValueKind.Object
                    ? document.RootElement.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.ToString())).ToList()
                    : [];
            }
        }

        return Page();
    }

    /// <summary>Names the import's patients (the first of them, on a large import) for a reader who may see demographics.</summary>
    private async Task<ImportSummaryView> NameAsync(ImportSummary summary, CancellationToken ct)
    {
        var patients = summary.Files.SelectMany(f => f.Patients).Distinct().ToList();
        // Asked here rather than left to the handler, whose refusal would be audited: a queue watcher without
        // demographics (an administrator) sees the files without names, which is no attempt at a patient's record.
        var mayName = RolePermissions.Grants(User.FindAll(System.Security.Claims.ClaimTypes.Role).Select(c => c.Value), Permissions.ChartsDemographics);
        if (patients.Count == 0 || !mayName)
        {
            return new ImportSummaryView(summary, new Dictionary<Guid, IdentifiedPatient>(), mayName, 0);
        }

        var first = patients.Take(IdentifyPatientsValidator.MaxPatients).ToList();
        var named = await identify.HandleAsync(new IdentifyPatientsQuery(first, "Job", Job.Id.ToString("D")), ct);
        return new ImportSummaryView(summary, (named.Value ?? []).ToDictionary(p => p.Id), true, patients.Count - first.Count);
    }

    public async Task<IActionResult> OnPostCancelAsync(Guid id, CancellationToken ct)
    {
        var result = await cancel.HandleAsync(new CancelJobCommand(id), ct);
        if (!result.IsSuccess)
        {
            return await this.RefuseAsync(result.Error!, () => OnGetAsync(id, ct));
        }

        TempData["Notice"] = result.Value == "cancelled" ? "The job was cancelled." : "The job was asked to stop; it stops within seconds.";
        return RedirectToPage(new { id });
    }
}
