using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.ListRequests;

/// <summary>The worklist's views.</summary>
public static class WorklistViews
{
    /// <summary>Every open request (the default).</summary>
    public const string Open = "open";

    /// <summary>Open and due within the next 7 days, not yet overdue.</summary>
    public const string DueSoon = "due-soon";

    public const string Overdue = "overdue";

    /// <summary>Delivered, denied or withdrawn.</summary>
    public const string Closed = "closed";

    public static readonly IReadOnlyList<string> All = [Open, DueSoon, Overdue, Closed];
}

/// <param name="After">The keyset link of the previous page (<see cref="RequestWorklistPage.NextAfter"/>).</param>
public sealed record ListRequestsQuery(string? View = null, string? Status = null, string? RequesterType = null, string? After = null, int PageSize = 50);

public sealed record RequestWorklistRow(
    Guid Id,
    string Number,
    Guid PatientId,
    string PatientName,
    string? Mrn,
    string RequesterType,
    string RequesterName,
    DateTimeOffset ReceivedAt,
    DateOnly? DueDay,
    string? ClockCitation,
    string Status,
    int DaysLeft,
    bool DueSoon,
    bool Overdue);

/// <param name="OpenCount">Open requests (all of them, whatever the filters).</param>
/// <param name="DueSoonCount">Open, due within 7 days, not overdue.</param>
/// <param name="OverdueCount">Open and past their due date.</param>
public sealed record RequestWorklistPage(IReadOnlyList<RequestWorklistRow> Rows, int OpenCount, int DueSoonCount, int OverdueCount, string? NextAfter);

public sealed class ListRequestsValidator : AbstractValidator<ListRequestsQuery>
{
    public ListRequestsValidator()
    {
        RuleFor(q => q.View).Must(v => WorklistViews.All.Contains(v)).When(q => !string.IsNullOrEmpty(q.View))
            .WithMessage("Choose open, due soon, overdue or closed.");
        RuleFor(q => q.Status).Must(s => RequestStatuses.All.Contains(s)).When(q => !string.IsNullOrEmpty(q.Status))
            .WithMessage("Choose a status from the list.");
        RuleFor(q => q.RequesterType).Must(RequesterRules.IsKnown).When(q => !string.IsNullOrEmpty(q.RequesterType))
            .WithMessage("Choose a requester type from the list.");
        RuleFor(q => q.After).Must(a => KeysetCursor.TryParse(a, out _)).When(q => q.After is not null)
            .WithMessage("The page link is not valid: open the worklist again.");
    }
}

/// <summary>
/// The ROI worklist (issue 17 item 1): requests by due date, soonest first (keyset on (due_at, id), never OFFSET), filtered
/// by view (open, due soon, overdue, closed), status and requester type, with the counts of open, due-soon and overdue
/// requests on every page so an overdue request cannot be missed. One statement per page (the counts are scalar
/// subqueries of it), and one audit row per page view naming the requests and patients it listed (as the patient search
/// and the duplicate worklist: one row with the criteria, never a row per result).
/// </summary>
[RequiresPermission(Permissions.RoiProcess)]
public sealed class ListRequestsHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    RequestClock clock,
    TimeProvider time,
    IValidator<ListRequestsQuery> validator) : Handler<ListRequestsQuery, Result<RequestWorklistPage>>(permissions)
{
    public const string ResourceType = "ReleaseWorklist";

    protected override async Task<Result<RequestWorklistPage>> ExecuteAsync(ListRequestsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var validation = await validator.ValidateAsync(query, ct);
        if (!validation.IsValid)
        {
            return Error.Invalid(validation);
        }

        var size = Math.Clamp(query.PageSize, 1, 200);
        var now = time.GetUtcNow();
        var soon = now.AddDays(RequestClock.DueSoonDays);
        var view = string.IsNullOrEmpty(query.View) ? WorklistViews.Open : query.View;
        var requests = db.ReleaseRequests.AsNoTracking();
        var open = requests.Where(r => r.ClosedAt == null);
        var selected = view switch
        {
            WorklistViews.Closed => requests.Where(r => r.ClosedAt != null),
            WorklistViews.Overdue => open.Where(r => r.DueAt <= now),
            WorklistViews.DueSoon => open.Where(r => r.DueAt > now && r.DueAt <= soon),
            _ => open,
        };
        if (!string.IsNullOrEmpty(query.Status))
        {
            selected = selected.Where(r => r.Status == query.Status);
        }

        if (!string.IsNullOrEmpty(query.RequesterType))
        {
            selected = selected.Where(r => r.RequesterType == query.RequesterType);
        }

        if (KeysetCursor.TryParse(query.After, out var after))
        {
            DateTimeOffset? at = after.At;
            selected = selected.Where(r => EF.Functions.GreaterThan(ValueTuple.Create(r.DueAt, r.Id), ValueTuple.Create(at, after.Id)));
        }

        // One statement: the page joined to its patients, with the three counts as scalar subqueries.
        var rows = await selected.OrderBy(r => r.DueAt).ThenBy(r => r.Id).Take(size + 1)
            .Join(db.Set<Patient>(), r => r.PatientId, p => p.Id, (r, p) => new
            {
                r.Id, r.Number, r.PatientId, p.GivenNames, p.FamilyName, p.Mrn, r.RequesterType, r.RequesterName, r.ReceivedAt, r.DueDay, r.DueAt,
                r.ClockCitation, r.Status,
                Open = open.Count(),
                DueSoon = open.Count(o => o.DueAt > now && o.DueAt <= soon),
                Overdue = open.Count(o => o.DueAt <= now),
            })
            .ToListAsync(ct);
        rows = [.. rows.OrderBy(r => r.DueAt).ThenBy(r => r.Id)];
        var shown = rows.Take(size).ToList();
        var (openCount, dueSoonCount, overdueCount) = shown.Count > 0
            ? (shown[0].Open, shown[0].DueSoon, shown[0].Overdue)
            : (await open.CountAsync(ct), await open.CountAsync(o => o.DueAt > now && o.DueAt <= soon, ct), await open.CountAsync(o => o.DueAt <= now, ct));
        var result = shown.Select(r =>
        {
            var status = r.DueDay is { } day && r.DueAt is { } dueAt ? clock.StatusAt(day, dueAt, now) : new RequestClockStatus(0, false, false);
            var closed = RequestStatuses.Closed.Contains(r.Status);
            return new RequestWorklistRow(r.Id, ReleaseRequest.FormatNumber(r.Number), r.PatientId, PatientName(r.GivenNames, r.FamilyName), r.Mrn,
                r.RequesterType, r.RequesterName, r.ReceivedAt, r.DueDay, r.ClockCitation, r.Status, status.DaysLeft, !closed && status.DueSoon,
                !closed && status.Overdue);
        }).ToList();
        var next = rows.Count > size && shown[^1].DueAt is { } lastDue ? new KeysetCursor(lastDue, shown[^1].Id).ToString() : null;

        await audit.RecordAloneAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, ResourceType, Purpose: "HOPERAT",
            Details: $"view={view}; status={query.Status ?? "any"}; type={query.RequesterType ?? "any"}" + (query.After is null ? "" : "; next page")
                     + $"; {result.Count} shown; requests={string.Join(',', result.Select(r => r.Number))}"
                     + $"; patients={string.Join(',', result.Select(r => r.PatientId).Distinct().Select(id => id.ToString("D")))}"), ct);
        return Result<RequestWorklistPage>.Success(new RequestWorklistPage(result, openCount, dueSoonCount, overdueCount, next));
    }

    public static string PatientName(string? given, string? family) => $"{given} {family}".Trim() is { Length: > 0 } name ? name : "(no name recorded)";
}
