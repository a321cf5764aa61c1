using System.Text.Json;
using HimPortal.Application.Intake.ImportBundles;
using HimPortal.Application.Jobs;
using HimPortal.Application.Jobs.CancelJob;
using HimPortal.Application.Jobs.GetJob;
using HimPortal.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Jobs;

/// <summary>
/// One job: its status, progress and result (an import's file-by-file outcome), refreshed every two seconds while it
/// runs. Its requester, or whoever watches the queue (Jobs.Monitor), may see and cancel it; anyone else gets 404.
/// </summary>
public sealed class JobModel(GetJobHandler get, CancelJobHandler cancel) : PageModel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public JobView Job { get; private set; } = null!;

    public ImportSummary? Import { get; private set; }

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
                Import = JsonSerializer.Deserialize<ImportSummary>(json, Json);
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
