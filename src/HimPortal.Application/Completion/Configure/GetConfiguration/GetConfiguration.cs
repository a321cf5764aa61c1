using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Configure.GetConfiguration;

public sealed record GetConfigurationQuery;

public sealed record RuleView(
    Guid Id, string Code, string Name, string Citation, string Kind, bool Enabled, IReadOnlyList<string> EncounterClasses, IReadOnlyList<Guid> FacilityIds,
    IReadOnlyList<string> DocumentTypes, string? Anchor, int? WindowStartHours, int? WindowEndHours, IReadOnlyList<string> UpdateNoteTypes, int? UpdateWithinHours,
    string? BeforeProcedureFlag, string? ProcedureFlag, string Responsible, int? DueHours, int? DueDays, string? Description, uint Version);

public sealed record SettingsView(DateOnly GoLive, IReadOnlyList<int> NoticeDaysBefore, int EscalateAfterDays, int SuspendAfterDays, bool LeavePausesDeadlines, uint Version);

public sealed record OrderModeView(Guid Id, string System, string Code, string Mode);

public sealed record ProcedureKindView(string System, string Code, string Display, bool Surgery, bool Anesthesia, bool Consent, uint Version);

public sealed record FacilityView(Guid Id, string Name);

public sealed record CompletionConfiguration(
    IReadOnlyList<RuleView> Rules, SettingsView Settings, IReadOnlyList<OrderModeView> OrderModes, IReadOnlyList<ProcedureKindView> ProcedureKinds,
    IReadOnlyList<FacilityView> Facilities);

/// <summary>The HIM manager's chart-completion configuration (issue 18 item 1): rules, settings, order-mode mapping, procedure kinds. No patient data.</summary>
[RequiresPermission(Permissions.CompletionManage)]
public sealed class GetConfigurationHandler(PermissionCheck permissions, HimDbContext db) : Handler<GetConfigurationQuery, Result<CompletionConfiguration>>(permissions)
{
    protected override async Task<Result<CompletionConfiguration>> ExecuteAsync(GetConfigurationQuery query, CancellationToken ct)
    {
        var rules = await db.CompletionRules.AsNoTracking().OrderBy(r => r.Code).ToListAsync(ct);
        var settings = await db.CompletionSettings.AsNoTracking().SingleAsync(ct);
        var modes = await db.OrderModeMappings.AsNoTracking().OrderBy(m => m.System).ThenBy(m => m.Code)
            .Select(m => new OrderModeView(m.Id, m.System, m.Code, m.Mode)).ToListAsync(ct);
        var kinds = await db.ProcedureKinds.AsNoTracking().OrderBy(k => k.Display).ThenBy(k => k.Code)
            .Select(k => new ProcedureKindView(k.System, k.Code, k.Display, k.Surgery, k.Anesthesia, k.Consent, k.Version)).ToListAsync(ct);
        var facilities = await db.Set<Data.Clinical.Organization>().AsNoTracking().OrderBy(o => o.Name).Take(500)
            .Select(o => new FacilityView(o.Id, o.Name)).ToListAsync(ct);
        return Result<CompletionConfiguration>.Success(new CompletionConfiguration(
            [.. rules.Select(View)],
            new SettingsView(settings.GoLive, settings.NoticeDaysBefore, settings.EscalateAfterDays, settings.SuspendAfterDays, settings.LeavePausesDeadlines, settings.Version),
            modes, kinds, facilities));
    }

    public static RuleView View(CompletionRule r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.Id, r.Code, r.Name, r.Citation, r.Kind, r.Enabled, r.EncounterClasses, r.FacilityIds, r.DocumentTypes, r.Anchor, r.WindowStartHours,
            r.WindowEndHours, r.UpdateNoteTypes, r.UpdateWithinHours, r.BeforeProcedureFlag, r.ProcedureFlag, r.Responsible, r.DueHours, r.DueDays, r.Description, r.Version);
    }
}
