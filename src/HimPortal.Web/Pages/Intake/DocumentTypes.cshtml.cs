using HimPortal.Application.Documents.ListDocumentTypes;
using HimPortal.Application.Documents.SaveDocumentType;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Intake;

/// <summary>The HIM manager's document-type catalogue (Intake.Configure): add, rename, set the LOINC code, order, retire, reactivate.</summary>
public sealed class DocumentTypesModel(ListDocumentTypesHandler list, SaveDocumentTypeHandler save) : PageModel
{
    public sealed class TypeInput
    {
        public Guid? Id { get; set; }

        public uint Version { get; set; }

        public string? Name { get; set; }

        public string? LoincCode { get; set; }

        public int SortOrder { get; set; }

        public bool Active { get; set; } = true;
    }

    [BindProperty]
    public TypeInput Input { get; set; } = new();

    public IReadOnlyList<DocumentTypeRow> Types { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(CancellationToken ct) => ShowAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await save.HandleAsync(new SaveDocumentTypeCommand(Input.Id, Input.Version, Input.Name, Input.LoincCode, Input.SortOrder, Input.Active), ct);
        return result.IsSuccess ? RedirectToPage() : await this.RefuseAsync(result.Error!, () => ShowAsync(ct));
    }

    private async Task<IActionResult> ShowAsync(CancellationToken ct)
    {
        var result = await list.HandleAsync(new ListDocumentTypesQuery(), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!);
        }

        Types = result.Value!;
        return Page();
    }
}
