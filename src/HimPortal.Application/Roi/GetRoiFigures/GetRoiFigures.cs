using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.GetRoiFigures;

/// <param name="Weeks">Weeks (Monday to Sunday, hospital time) the plots cover, this one included.</param>
public sealed record GetRoiFiguresQuery(int Weeks = 26);

public sealed record StatusCount(string Status, int Count);

/// <param name="MedianDays">Median days from receipt to delivery.</param>
public sealed record TurnaroundByType(string RequesterType, int Delivered, double MedianDays);

/// <summary>One week: requests received (and of them those that went past their due date), delivered, pages released, cents invoiced and collected.</summary>
public sealed record RoiWeek(DateOnly Start, int Received, int ReceivedLate, int Delivered, int PagesReleased, long InvoicedCents, long CollectedCents);

public sealed record RoiFigures(
    IReadOnlyList<StatusCount> Backlog,
    int DueSoon,
    int Overdue,
    IReadOnlyList<TurnaroundByType> Turnaround,
    long PagesReleased,
    long InvoicedCents,
    long CollectedCents,
    IReadOnlyList<RoiWeek> Weeks)
{
    public int Open => Backlog.Sum(b => b.Count);
}

/// <summary>
/// Release of information in numbers (issue 17 item 9), for the ROI page and the HIM manager's: open requests by status,
/// due within 7 days, overdue, the median turnaround (receipt to delivery) by requester type, pages released (released
/// packets' pages), fees invoiced (not voided) and collected, and the same per week. Counts only, no patient data: not
/// audited as a read of records (as the MPI and QA figures). Four set-based statements whatever the number of requests.
/// </summary>
[RequiresPermission(Permissions.RoiNumbers)]
public sealed class GetRoiFiguresHandler(PermissionCheck permissions, HimDbContext db, HospitalTime hospital, TimeProvider clock)
    : Handler<GetRoiFiguresQuery, Result<RoiFigures>>(permissions)
{
    protected override async Task<Result<RoiFigures>> ExecuteAsync(GetRoiFiguresQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var now = clock.GetUtcNow();
        var soon = now.AddDays(RequestClock.DueSoonDays);
        var weeks = Math.Clamp(query.Weeks, 1, 104);
        var today = hospital.DayOf(now);
        var firstWeek = today.AddDays(-(((int)today.DayOfWeek + 6) % 7)).AddDays(-7 * (weeks - 1));
        var from = hospital.StartOf(firstWeek);
        var zone = hospital.ZoneId;
        var released = PacketStatuses.Released;

        var backlog = await db.ReleaseRequests.AsNoTracking().Where(r => r.ClosedAt == null)
            .GroupBy(r => r.Status).Select(g => new StatusCount(g.Key, g.Count())).ToListAsync(ct);

        var totals = await db.Database.SqlQuery<Totals>($"""
            SELECT (SELECT count(*) FROM roi.requests WHERE closed_at IS NULL AND due_at > {now} AND due_at <= {soon})::int AS due_soon,
                   (SELECT count(*) FROM roi.requests WHERE closed_at IS NULL AND due_at <= {now})::int AS overdue,
                   (SELECT coalesce(sum(page_count), 0) FROM roi.packets WHERE status = {released})::bigint AS pages,
                   (SELECT coalesce(sum(total_cents), 0) FROM roi.invoices WHERE voided_at IS NULL)::bigint AS invoiced,
                   (SELECT coalesce(sum(amount_cents), 0) FROM roi.payments)::bigint AS collected
            """).SingleAsync(ct);

        var turnaround = await db.Database.SqlQuery<TurnaroundByType>($"""
            SELECT requester_type, count(*)::int AS delivered,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - received_at) / 86400.0) AS median_days
            FROM roi.requests WHERE delivered_at IS NOT NULL
            GROUP BY requester_type ORDER BY requester_type
            """).ToListAsync(ct);

        // Each event in the hospital's week it happened in; weeks with nothing are filled in here.
        var weekly = await db.Database.SqlQuery<RoiWeek>($"""
            WITH events AS (
                SELECT received_at AS at, 1 AS received,
                       CASE WHEN coalesce(delivered_at, closed_at, {now}) > due_at THEN 1 ELSE 0 END AS received_late,
                       0 AS delivered, 0 AS pages, 0::bigint AS invoiced, 0::bigint AS collected
                FROM roi.requests WHERE received_at >= {from}
                UNION ALL SELECT delivered_at, 0, 0, 1, 0, 0, 0 FROM roi.requests WHERE delivered_at >= {from}
                UNION ALL SELECT released_at, 0, 0, 0, coalesce(page_count, 0), 0, 0 FROM roi.packets WHERE status = {released} AND released_at >= {from}
                UNION ALL SELECT created_at, 0, 0, 0, 0, total_cents, 0 FROM roi.invoices WHERE voided_at IS NULL AND created_at >= {from}
                UNION ALL SELECT received_at, 0, 0, 0, 0, 0, amount_cents FROM roi.payments WHERE received_at >= {from})
            SELECT date_trunc('week', at AT TIME ZONE {zone})::date AS start,
                   sum(received)::int AS received, sum(received_late)::int AS received_late, sum(delivered)::int AS delivered,
                   sum(pages)::int AS pages_released, sum(invoiced)::bigint AS invoiced_cents, sum(collected)::bigint AS collected_cents
            FROM events GROUP BY 1
            """).ToListAsync(ct);
        var byStart = weekly.ToDictionary(w => w.Start);
        var weeksList = Enumerable.Range(0, weeks).Select(i => firstWeek.AddDays(7 * i))
            .Select(start => byStart.TryGetValue(start, out var w) ? w : new RoiWeek(start, 0, 0, 0, 0, 0, 0)).ToList();

        var ordered = RequestStatuses.All.Select(s => new StatusCount(s, backlog.FirstOrDefault(b => b.Status == s)?.Count ?? 0))
            .Where(s => !RequestStatuses.Closed.Contains(s.Status)).ToList();
        return Result<RoiFigures>.Success(new RoiFigures(ordered, totals.DueSoon, totals.Overdue, turnaround, totals.Pages, totals.Invoiced, totals.Collected, weeksList));
    }

    private sealed record Totals(int DueSoon, int Overdue, long Pages, long Invoiced, long Collected);
}
