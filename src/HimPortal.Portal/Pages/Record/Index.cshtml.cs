using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Portal.Record;
using HimPortal.Portal.Security;
using Microsoft.AspNetCore.Mvc;

namespace HimPortal.Portal.Pages.Record;

/// <summary>"My record": the summary, or one more page of visits or of notes and documents (<c>?part=visits&amp;after=…</c>).</summary>
public sealed class IndexModel(GetMyRecordHandler handler, CurrentPerson current, HospitalTime hospital) : RecordPage(hospital)
{
    public ChartRead<MyRecordView> Read { get; private set; } = ChartRead<MyRecordView>.NotFound();

    public MyRecordView View => Read.Content!;

    public async Task<IActionResult> OnGetAsync(string? part, string? after, CancellationToken ct)
    {
        if (await current.PatientIdAsync(ct) is not { } patientId)
        {
            return RedirectToPage("/People/Index");
        }

        Read = await handler.HandleAsync(new GetMyRecordQuery(patientId, part ?? RecordParts.Summary, after), ct);
        return Answer(Read);
    }
}
