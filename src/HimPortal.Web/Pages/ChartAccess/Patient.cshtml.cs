using HimPortal.Application.Access.AssignTreatment;
using HimPortal.Application.Access.GetRecordAccess;
using HimPortal.Application.Access.RevokeAssignment;
using HimPortal.Application.Access.SetRestriction;
using HimPortal.Application.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.ChartAccess;

/// <summary>HIM staff (folder policy ChartAccess.Manage) restrict a patient's record and record treatment assignments.</summary>
public sealed class PatientModel(
    GetRecordAccessHandler get,
    AssignTreatmentHandler assign,
    RevokeAssignmentHandler revoke,
    SetRestrictionHandler restrict) : PageModel
{
    public sealed class AssignInput
    {
        public Guid PhysicianUserId { get; set; }

        public string? Reason { get; set; }

        public DateOnly? EndsOn { get; set; }
    }

    public sealed class RestrictInput
    {
        public bool Vip { get; set; }

        public bool Employee { get; set; }

        public string? EmployeeDepartment { get; set; }

        public string? Note { get; set; }

        public uint? Version { get; set; }
    }

    [BindProperty]
    public AssignInput Assign { get; set; } = new();

    [BindProperty]
    public RestrictInput Restrict { get; set; } = new();

    public RecordAccessView View { get; private set; } = null!;

    public Task<IActionResult> OnGetAsync(Guid patientId, CancellationToken ct) => ShowAsync(patientId, null, ct);

    public async Task<IActionResult> OnPostAssignAsync(Guid patientId, CancellationToken ct)
    {
        var result = await assign.HandleAsync(new AssignTreatmentCommand(patientId, Assign.PhysicianUserId, Assign.Reason, Assign.EndsOn), ct);
        return await AfterAsync(patientId, result.Error, "Assignment recorded: the physician may now open this chart.", ct);
    }

    public async Task<IActionResult> OnPostRevokeAsync(Guid patientId, Guid assignmentId, uint version, CancellationToken ct)
    {
        var result = await revoke.HandleAsync(new RevokeAssignmentCommand(patientId, assignmentId, version), ct);
        return await AfterAsync(patientId, result.Error, "Assignment revoked.", ct);
    }

    public async Task<IActionResult> OnPostRestrictAsync(Guid patientId, CancellationToken ct)
    {
        var result = await restrict.HandleAsync(
            new SetRestrictionCommand(patientId, Restrict.Vip, Restrict.Employee, Restrict.EmployeeDepartment, Restrict.Note, Restrict.Version), ct);
        return await AfterAsync(patientId, result.Error, result.Value ? "The record is restricted." : "The record is not restricted.", ct);
    }

    private async Task<IActionResult> AfterAsync(Guid patientId, Error? error, string notice, CancellationToken ct)
    {
        if (error is null)
        {
            TempData["Notice"] = notice;
            return RedirectToPage(new { patientId });
        }

        return await ShowAsync(patientId, error, ct);
    }

    private async Task<IActionResult> ShowAsync(Guid patientId, Error? error, CancellationToken ct)
    {
        if (error is { Kind: ErrorKind.NotFound or ErrorKind.Forbidden })
        {
            return this.Refuse(error);
        }

        var result = await get.HandleAsync(new GetRecordAccessQuery(patientId), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        View = result.Value!;
        if (error is not null)
        {
            ModelState.AddModelError(string.Empty, error.Message);
        }
        else if (View.Restriction is { } r)
        {
            Restrict = new RestrictInput { Vip = r.Vip, Employee = r.Employee, EmployeeDepartment = r.EmployeeDepartment, Note = r.Note, Version = r.Version };
        }

        return Page();
    }
}
