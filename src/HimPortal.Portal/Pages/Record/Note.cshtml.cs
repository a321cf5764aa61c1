using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Portal.Record;
using HimPortal.Portal.Security;
using Microsoft.AspNetCore.Mvc;

namespace HimPortal.Portal.Pages.Record;

/// <summary>One note's text. The id is only looked for in the current person's records: any other is not found (audited).</summary>
public sealed class NoteModel(ReadMyNoteHandler handler, CurrentPerson current, HospitalTime hospital) : RecordPage(hospital)
{
    public ChartRead<MyNoteView> Read { get; private set; } = ChartRead<MyNoteView>.NotFound();

    public MyNoteView Note => Read.Content!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            return RedirectToPage("/People/Index");
        }

        Read = await handler.HandleAsync(new ReadMyNoteQuery(patientId, id), ct);
        return Answer(Read);
    }
}
