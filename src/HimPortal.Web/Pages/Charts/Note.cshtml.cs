using HimPortal.Application.Access;
using HimPortal.Application.Charts.ReadNote;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Charts;

/// <summary>One clinical note, readable. Same access rules as the chart; the view is audited with the note's id.</summary>
public sealed class NoteModel(ReadNoteHandler handler, TimeProvider clock) : PageModel
{
    public ChartRead<NoteView> Read { get; private set; } = ChartRead<NoteView>.NotFound();

    public DateOnly Today { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid patientId, Guid noteId, CancellationToken ct)
    {
        Today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        Read = await handler.HandleAsync(new ReadNoteQuery(patientId, noteId), ct);
        return this.Answer(Read, patientId);
    }
}
