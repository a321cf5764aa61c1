using HimPortal.Application.Completion.Configure.Departments;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Completion.Settings;

/// <summary>The medical staff's departments, chiefs (escalations go to them) and members (issue 18 item 4). Completion.Manage.</summary>
public sealed class DepartmentsModel(ListDepartmentsHandler list, SaveDepartmentHandler save, AddDepartmentMemberHandler add, RemoveDepartmentMemberHandler remove) : PageModel
{
    public IReadOnlyList<DepartmentView> Departments { get; private set; } = [];

    [BindProperty]
    public DepartmentInput Department { get; set; } = new();

    [BindProperty]
    public MemberInput Member { get; set; } = new();

    public sealed class DepartmentInput
    {
        public Guid? Id { get; set; }

        public string? Name { get; set; }

        public string? Chief { get; set; }

        public uint Version { get; set; }
    }

    public sealed class MemberInput
    {
        public Guid DepartmentId { get; set; }

        public string? Practitioner { get; set; }

        public Guid PractitionerId { get; set; }
    }

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(ct);

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct) =>
        await this.AfterAsync(await save.HandleAsync(new SaveDepartmentCommand(Department.Id, Department.Name ?? "", Department.Chief, Department.Version), ct), "Department saved.", "Department", () => ShowAsync(ct));

    public async Task<IActionResult> OnPostAddMemberAsync(CancellationToken ct) =>
        await this.AfterAsync(await add.HandleAsync(new AddDepartmentMemberCommand(Member.DepartmentId, Member.Practitioner ?? ""), ct), "Member added.", "Member", () => ShowAsync(ct));

    public async Task<IActionResult> OnPostRemoveMemberAsync(CancellationToken ct) =>
        await this.AfterAsync(await remove.HandleAsync(new RemoveDepartmentMemberCommand(Member.DepartmentId, Member.PractitionerId), ct), "Member removed.", "", () => ShowAsync(ct));

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        var result = await list.HandleAsync(new ListDepartmentsQuery(), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Departments = result.Value!;
        return Page();
    }
}
