using HimPortal.Application.Clinical.ImportConflicts;
using HimPortal.Application.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Intake;

/// <summary>The resources imports sent under another patient (ADR 0019), for HIM staff to work: the handler lists and audits them.</summary>
public sealed class ConflictsModel(ListImportConflictsHandler list, HospitalTime hospital) : PageModel
{
    public HospitalTime Hospital => hospital;

    public IReadOnlyList<ImportConflictItem> Items { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public bool All { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await list.HandleAsync(new ListImportConflictsQuery(Open: !All), ct);
        if (!result.IsSuccess)
        {
            return this.Refuse(result.Error!, Page);
        }

        Items = result.Value!;
        return Page();
    }
}
