using HimPortal.Application.Completion.Configure.GetConfiguration;
using HimPortal.Application.Completion.Configure.SaveRule;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HimPortal.Web.Pages.Completion.Settings;

/// <summary>One rule, every field of it, or a new one (issue 18 item 1). Completion.Manage; the handler validates, checks the version, queues the open stays of its classes and audits.</summary>
public sealed class RuleModel(GetConfigurationHandler get, SaveRuleHandler save) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? Id { get; set; }

    [BindProperty]
    public RuleInput Input { get; set; } = new();

    public IReadOnlyList<FacilityView> Facilities { get; private set; } = [];

    public sealed class RuleInput
    {
        public string? Code { get; set; }

        public string? Name { get; set; }

        public string? Citation { get; set; }

        public string Kind { get; set; } = "document";

        public bool Enabled { get; set; } = true;

        public List<string> EncounterClasses { get; set; } = [];

        public List<Guid> FacilityIds { get; set; } = [];

        public string? DocumentTypes { get; set; }

        public string? Anchor { get; set; }

        public int? WindowStartHours { get; set; }

        public int? WindowEndHours { get; set; }

        public string? UpdateNoteTypes { get; set; }

        public int? UpdateWithinHours { get; set; }

        public string? BeforeProcedureFlag { get; set; }

        public string? ProcedureFlag { get; set; }

        public string Responsible { get; set; } = "admitting-or-attending";

        public int? DueHours { get; set; }

        public int? DueDays { get; set; }

        public string? Description { get; set; }

        public uint Version { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var config = await get.HandleAsync(new GetConfigurationQuery(), ct);
        if (!config.IsSuccess)
        {
            return this.Refuse(config.Error!);
        }

        Facilities = config.Value!.Facilities;
        if (Id is { } id)
        {
            if (config.Value.Rules.FirstOrDefault(r => r.Id == id) is not { } r)
            {
                return NotFound();
            }

            Input = new RuleInput
            {
                Code = r.Code, Name = r.Name, Citation = r.Citation, Kind = r.Kind, Enabled = r.Enabled, EncounterClasses = [.. r.EncounterClasses],
                FacilityIds = [.. r.FacilityIds], DocumentTypes = string.Join(", ", r.DocumentTypes), Anchor = r.Anchor, WindowStartHours = r.WindowStartHours,
                WindowEndHours = r.WindowEndHours, UpdateNoteTypes = string.Join(", ", r.UpdateNoteTypes), UpdateWithinHours = r.UpdateWithinHours,
                BeforeProcedureFlag = r.BeforeProcedureFlag, ProcedureFlag = r.ProcedureFlag, Responsible = r.Responsible, DueHours = r.DueHours, DueDays = r.DueDays,
                Description = r.Description, Version = r.Version,
            };
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var i = Input;
        var result = await save.HandleAsync(new SaveRuleCommand(Id, i.Code?.Trim() ?? "", i.Name ?? "", i.Citation ?? "", i.Kind, i.Enabled, i.EncounterClasses, i.FacilityIds,
            Codes(i.DocumentTypes), Empty(i.Anchor), i.WindowStartHours, i.WindowEndHours, Codes(i.UpdateNoteTypes), i.UpdateWithinHours, Empty(i.BeforeProcedureFlag),
            Empty(i.ProcedureFlag), i.Responsible, i.DueHours, i.DueDays, i.Description, i.Version), ct);
        if (result.IsSuccess)
        {
            TempData["Notice"] = $"Rule {i.Code} saved; the open stays of its classes are queued for analysis.";
            return RedirectToPage("/Completion/Settings/Index");
        }

        return await this.RefuseAsync(FormErrors.Prefixed(result.Error!, "Input"), async () =>
        {
            var config = await get.HandleAsync(new GetConfigurationQuery(), ct);
            Facilities = config.Value?.Facilities ?? [];
            return Page();
        });
    }

    private static string[] Codes(string? text) =>
        (text ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
