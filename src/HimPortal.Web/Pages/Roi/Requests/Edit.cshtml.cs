using HimPortal.Application.Common;
using HimPortal.Application.Roi.EditRequest;
using HimPortal.Application.Roi.GetRequest;
using HimPortal.Application.Roi.GetRequestOptions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Roi.Requests;

/// <summary>Corrects an open request (optimistic concurrency on its version); the due date follows the received date, type, state and return date.</summary>
public sealed class EditModel(GetRequestHandler get, GetRequestOptionsHandler options, EditRequestHandler edit, HospitalTime hospital, TimeProvider clock) : PageModel
{
    [BindProperty]
    public RequestForm Form { get; set; } = new();

    [BindProperty]
    public uint Version { get; set; }

    public RequestView View { get; private set; } = null!;

    public RequestOptions Options { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var shown = await ShowAsync(id, ct);
        if (shown is PageResult)
        {
            Form = RequestForm.From(View.Request, hospital);
            Version = View.Request.Version;
        }

        return shown;
    }

    public async Task<IActionResult> OnPostAsync(Guid id, CancellationToken ct)
    {
        var result = await edit.HandleAsync(new EditRequestCommand(id, Form.ToFields(hospital, clock), Version), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = "Request saved.";
            return Redirect($"/Roi/Requests/{id}");
        }

        return await this.RefuseAsync(result.Error!, () => ShowAsync(id, ct));
    }

    private async Task<IActionResult> ShowAsync(Guid id, CancellationToken ct)
    {
        var result = await get.HandleAsync(new GetRequestQuery(id), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        View = result.Value!;
        var choices = await options.HandleAsync(new GetRequestOptionsQuery(View.Request.PatientId), ct);
        if (!choices.IsSuccess)
        {
            return this.Refuse(choices.Error!, Page);
        }

        Options = choices.Value!;
        return Page();
    }
}
