using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Compliance;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Compliance.Incidents;

public enum IncidentQueue
{
    /// <summary>Not yet dispositioned, or marked for follow-up: oldest discovery first (the nearest deadline).</summary>
    Open,

    /// <summary>Closed (not a breach, or a notified breach): newest review first.</summary>
    Closed,
}

public sealed record ListIncidentsQuery(IncidentQueue Queue = IncidentQueue.Open, string? After = null, int PageSize = 50);

public sealed record IncidentItem(Guid Id, string Kind, DateTimeOffset DiscoveredAt, DateTimeOffset NotificationDueAt, int DaysLeft, int Views,
    string? Disposition, DateTimeOffset? ReviewedAt, string Summary);

public sealed record IncidentList(IReadOnlyList<IncidentItem> Items, string? NextAfter, int OpenCount);

/// <summary>The privacy incidents (issue 15 item 7) for compliance: open first, keyset paged. Reading the list is audited as a search.</summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class ListIncidentsHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, TimeProvider clock)
    : Handler<ListIncidentsQuery, Result<IncidentList>>(permissions)
{
    protected override async Task<Result<IncidentList>> ExecuteAsync(ListIncidentsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (KeysetCursor.Read(query.After, "open the incident list again", out var after) is { } badLink)
        {
            return badLink;
        }

        var size = Math.Clamp(query.PageSize, 1, 200);
        var all = db.Set<PrivacyIncident>().AsNoTracking();
        var open = all.Where(i => i.Disposition == null || i.Disposition == IncidentDispositions.FollowUp);
        var rows = query.Queue == IncidentQueue.Open ? open : all.Where(i => i.Disposition != null && i.Disposition != IncidentDispositions.FollowUp);
        if (after is { } c)
        {
            rows = query.Queue == IncidentQueue.Open
                ? rows.Where(i => EF.Functions.GreaterThan(ValueTuple.Create(i.DiscoveredAt, i.Id), ValueTuple.Create(c.At, c.Id)))
                : rows.Where(i => EF.Functions.LessThan(ValueTuple.Create(i.ReviewedAt!.Value, i.Id), ValueTuple.Create(c.At, c.Id)));
        }

        rows = query.Queue == IncidentQueue.Open
            ? rows.OrderBy(i => i.DiscoveredAt).ThenBy(i => i.Id)
            : rows.OrderByDescending(i => i.ReviewedAt).ThenByDescending(i => i.Id);
        return await db.InTransactionAsync<Result<IncidentList>>(async token =>
        {
            var page = await rows.Take(size + 1)
                .Select(i => new { i, Views = db.Set<PrivacyIncidentAccess>().Count(a => a.IncidentId == i.Id) })
                .ToListAsync(token);
            var openCount = await open.CountAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, "PrivacyIncident",
                Details: $"privacy incidents; {query.Queue}; {Math.Min(page.Count, size)} shown"), token);
            var now = clock.GetUtcNow();
            var items = page.Take(size).Select(x => new IncidentItem(x.i.Id, x.i.Kind, x.i.DiscoveredAt, x.i.NotificationDueAt,
                IncidentDeadline.DaysLeft(x.i.NotificationDueAt, now), x.Views, x.i.Disposition, x.i.ReviewedAt, x.i.Summary)).ToList();
            string? next = null;
            if (page.Count > size)
            {
                var last = items[^1];
                next = new KeysetCursor(query.Queue == IncidentQueue.Open ? last.DiscoveredAt : last.ReviewedAt!.Value, last.Id).ToString();
            }

            return Result<IncidentList>.Success(new IncidentList(items, next, openCount));
        }, ct);
    }
}

/// <summary>The notification deadline of 45 CFR 164.404(b), as days left (a part day counts as a day; negative: overdue).</summary>
public static class IncidentDeadline
{
    public static int DaysLeft(DateTimeOffset due, DateTimeOffset now) => (int)Math.Ceiling((due - now).TotalDays);
}
