using HimPortal.Application.Common;
using HimPortal.Application.Mpi.DecidePair;
using HimPortal.Application.Mpi.GetPair;
using HimPortal.Data.Mpi;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Mpi.Pairs;

/// <summary>
/// A candidate pair side by side with the link preview, and the reviewer's decision (Mpi.Review: folder policy; the
/// handlers check it again). One form, three buttons: the decision is the button pressed; the pair's version rides along
/// so a stale form changes nothing.
/// </summary>
public sealed class PairModel(GetPairHandler get, DecidePairHandler decide, HospitalTime time) : PageModel
{
    public PairView Pair { get; private set; } = null!;

    [BindProperty]
    public DecisionInput Input { get; set; } = new();

    public sealed class DecisionInput
    {
        public string? Decision { get; set; }

        public string? Note { get; set; }

        public uint Version { get; set; }
    }

    public string At(DateTimeOffset at) => time.Format(at);

    public static string Span(Application.Mpi.SectionCount count) => count.From is null
        ? "—"
        : $"{count.From.Value.UtcDateTime:yyyy-MM-dd} – {count.To!.Value.UtcDateTime:yyyy-MM-dd}";

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        var shown = await ShowAsync(id, ct);
        Input = new DecisionInput { Version = Pair?.Version ?? 0 };
        return shown;
    }

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        var result = await decide.HandleAsync(new DecidePairCommand(id, Input.Decision, Input.Note, Input.Version), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = result.Value!.Status switch
            {
                PairStatuses.Linked => "Linked: the two records are now one person.",
                PairStatuses.AwaitingSecond => "First review recorded: both records hold clinical data, so a second reviewer must confirm the link.",
                PairStatuses.NotDuplicate => "Kept apart: this pair will not be proposed again.",
                _ => "Marked for research: the pair stays on the worklist with your note.",
            };
            return result.Value.PersonId is not null ? Redirect($"/Mpi/Persons/{result.Value.RecordA}") : RedirectToPage(new { id });
        }

        // A stale form is shown again with the pair as it is now, and its new version.
        ModelState.Remove("Input.Version");
        return await this.RefuseAsync(result.Error!, async () =>
        {
            var shown = await ShowAsync(id, ct);
            Input.Version = Pair?.Version ?? Input.Version;
            return shown;
        });
    }

    private async Task<IActionResult> ShowAsync(long id, CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetPairQuery(id), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Pair = result.Value!;
        return Page();
    }
}
