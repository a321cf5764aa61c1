using HimPortal.Application.Common;
using HimPortal.Application.Mpi.GetPerson;
using HimPortal.Application.Mpi.UnlinkRecord;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Mpi.Persons;

/// <summary>
/// The person a record belongs to: its records, each link's who, when and why, the closed links, and an unlink with a
/// required reason (Mpi.Review: folder policy; the handlers check it again).
/// </summary>
public sealed class PersonModel(GetPersonHandler get, UnlinkRecordHandler unlink, HospitalTime time) : PageModel
{
    public PersonView Person { get; private set; } = null!;

    [BindProperty]
    public UnlinkInput Input { get; set; } = new();

    public sealed class UnlinkInput
    {
        public Guid Record { get; set; }

        public long Link { get; set; }

        public string? Reason { get; set; }
    }

    public string At(DateTimeOffset at) => time.Format(at);

    public Task<IActionResult> OnGetAsync(Guid patientId, CancellationToken ct) => ShowAsync(patientId, ct);

    public async Task<IActionResult> OnPostAsync(Guid patientId, CancellationToken ct)
    {
        var result = await unlink.HandleAsync(new UnlinkRecordCommand(Input.Record, Input.Link, Input.Reason), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = "Unlinked: the record is a person of its own again, and the pair will not be linked again.";
            return RedirectToPage(new { patientId });
        }

        return await this.RefuseAsync(result.Error!, () => ShowAsync(patientId, ct));
    }

    private async Task<IActionResult> ShowAsync(Guid patientId, CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetPersonQuery(patientId), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Person = result.Value!;
        return Page();
    }
}
