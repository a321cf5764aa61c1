using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Completion;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Him.ListHimQueue;

/// <param name="Rule">A rule's code, "manual" for the analysts' own deficiencies, or null for any.</param>
/// <param name="EncounterClass">A v3 ActCode (IMP, OBSENC, EMER, SS, AMB), or null for any.</param>
/// <param name="Facility">The stay's facility (clinical.organizations), or null for any.</param>
/// <param name="After">The keyset link of the previous page (<see cref="HimQueuePage.NextAfter"/>).</param>
public sealed record ListHimQueueQuery(string? Rule = null, string? EncounterClass = null, Guid? Facility = null, string? After = null, int PageSize = 25);

public sealed record HimQueueRow(
    Guid DeficiencyId, Guid EncounterId, Guid PatientId, string? Mrn, string PatientName, string EncounterClass, string? Facility,
    string Kind, string Description, string? RuleCode, DateTimeOffset DischargedAt, DateTimeOffset DueAt, string? RefusalReason);

/// <summary>A stay with nothing open that HIM has not yet marked complete.</summary>
public sealed record ReadyStayRow(Guid EncounterId, Guid PatientId, string? Mrn, string PatientName, string EncounterClass, DateTimeOffset DischargedAt);

public sealed record HimQueueOption(string Value, string Label);

public sealed record HimQueuePage(
    IReadOnlyList<HimQueueRow> Rows, string? NextAfter, IReadOnlyList<ReadyStayRow> Ready,
    IReadOnlyList<HimQueueOption> Rules, IReadOnlyList<HimQueueOption> Facilities);

public sealed class ListHimQueueValidator : AbstractValidator<ListHimQueueQuery>
{
    public ListHimQueueValidator()
    {
        RuleFor(q => q.EncounterClass).Must(c => StayClasses.Known.Contains(c!)).When(q => !string.IsNullOrEmpty(q.EncounterClass))
            .WithMessage("Choose an encounter class: " + string.Join(", ", StayClasses.Known) + ".");
        RuleFor(q => q.After).Must(a => KeysetCursor.TryParse(a, out _)).When(q => q.After is not null)
            .WithMessage("The page link is not valid: open the queue again.");
    }
}

/// <summary>
/// The HIM analyst's worklist (issue 18 item 2: "anything that cannot be decided goes to an HIM queue for assignment"):
/// open deficiencies nobody owes, refused ones with their reason, oldest discharge first, a page at a time by keyset on
/// ix_deficiencies_unassigned (never OFFSET); and the stays with nothing open waiting to be marked complete. One audit
/// row per page naming the stays listed (patients' MRNs and names are shown).
/// </summary>
[RequiresPermission(Permissions.CompletionAnalyse)]
public sealed class ListHimQueueHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IValidator<ListHimQueueQuery> validator)
    : Handler<ListHimQueueQuery, Result<HimQueuePage>>(permissions)
{
    public const string Manual = "manual";

    protected override async Task<Result<HimQueuePage>> ExecuteAsync(ListHimQueueQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var validation = await validator.ValidateAsync(query, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var size = Math.Clamp(query.PageSize, 1, 100);
        var open = db.Deficiencies.AsNoTracking().Where(d => d.Status == DeficiencyStatuses.Open && d.ResponsiblePractitionerId == null);
        if (query.Rule == Manual)
        {
            open = open.Where(d => d.RuleId == null);
        }
        else if (!string.IsNullOrEmpty(query.Rule))
        {
            open = open.Where(d => db.CompletionRules.Any(r => r.Id == d.RuleId && r.Code == query.Rule));
        }

        if (!string.IsNullOrEmpty(query.EncounterClass) || query.Facility is not null)
        {
            var stays = db.Stays.AsQueryable();
            if (!string.IsNullOrEmpty(query.EncounterClass))
            {
                stays = stays.Where(s => s.EncounterClass == query.EncounterClass);
            }

            if (query.Facility is { } facility)
            {
                stays = stays.Where(s => s.FacilityId == facility);
            }

            open = open.Where(d => stays.Any(s => s.EncounterId == d.EncounterId));
        }

        if (KeysetCursor.TryParse(query.After, out var after) && query.After is not null)
        {
            open = open.Where(d => EF.Functions.GreaterThan(ValueTuple.Create(d.DischargedAt, d.Id), ValueTuple.Create(after.At, after.Id)));
        }

        var rows = await (
                from d in open.OrderBy(d => d.DischargedAt).ThenBy(d => d.Id).Take(size + 1)
                join s in db.Stays on d.EncounterId equals s.EncounterId
                join p in db.Set<Patient>() on d.PatientId equals p.Id
                from o in db.Set<Organization>().Where(o => o.Id == s.FacilityId).DefaultIfEmpty()
                from r in db.CompletionRules.Where(r => r.Id == d.RuleId).DefaultIfEmpty()
                select new
                {
                    d.Id, d.EncounterId, d.PatientId, p.Mrn, p.GivenNames, p.FamilyName, s.EncounterClass, Facility = o == null ? null : o.Name,
                    d.Kind, d.Description, RuleCode = r == null ? null : r.Code, d.DischargedAt, d.DueAt, d.RefusalReason,
                })
            .ToListAsync(ct);
        rows = [.. rows.OrderBy(r => r.DischargedAt).ThenBy(r => r.Id)];
        var shown = rows.Take(size)
            .Select(r => new HimQueueRow(r.Id, r.EncounterId, r.PatientId, r.Mrn, PatientName(r.GivenNames, r.FamilyName), r.EncounterClass, r.Facility,
                r.Kind, r.Description, r.RuleCode, r.DischargedAt, r.DueAt, r.RefusalReason))
            .ToList();
        var next = rows.Count > size ? new KeysetCursor(shown[^1].DischargedAt, shown[^1].DeficiencyId).ToString() : null;

        // The ready stays: few at any time (a stay leaves the list when marked), the oldest first.
        var ready = await (
                from s in db.Stays.AsNoTracking().Where(s => s.Status == StayStatuses.ReadyToComplete).OrderBy(s => s.DischargedAt).ThenBy(s => s.EncounterId).Take(50)
                join p in db.Set<Patient>() on s.PatientId equals p.Id
                select new { s.EncounterId, s.PatientId, p.Mrn, p.GivenNames, p.FamilyName, s.EncounterClass, s.DischargedAt })
            .ToListAsync(ct);
        var rules = await db.CompletionRules.AsNoTracking().OrderBy(r => r.Code).Select(r => new HimQueueOption(r.Code, r.Name)).ToListAsync(ct);
        var facilities = await db.Set<Organization>().AsNoTracking()
            .Where(o => db.Stays.Any(s => s.FacilityId == o.Id && s.Status != StayStatuses.Complete))
            .OrderBy(o => o.Name).Select(o => new HimQueueOption(o.Id.ToString(), o.Name)).ToListAsync(ct);

        var readyRows = ready.Select(r => new ReadyStayRow(r.EncounterId, r.PatientId, r.Mrn, PatientName(r.GivenNames, r.FamilyName), r.EncounterClass, r.DischargedAt)).ToList();
        await audit.RecordAloneAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, HimAudit.ResourceType, Purpose: HimAudit.Purpose,
            Details: $"completion.him-queue; rule={query.Rule ?? "any"}; class={query.EncounterClass ?? "any"}; facility={query.Facility?.ToString("D") ?? "any"}"
                     + (query.After is null ? "" : "; next page") + $"; {shown.Count} shown; {readyRows.Count} ready"
                     + $"; stays={string.Join(',', shown.Select(r => r.EncounterId).Concat(readyRows.Select(r => r.EncounterId)).Distinct().Select(id => id.ToString("D")))}"), ct);
        return Result<HimQueuePage>.Success(new HimQueuePage(shown, next, readyRows, [new HimQueueOption(Manual, "Manual (added by HIM)"), .. rules], facilities));
    }

    internal static string PatientName(string? given, string? family) => $"{given} {family}".Trim() is { Length: > 0 } name ? name : "(no name recorded)";
}
