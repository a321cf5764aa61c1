using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Mpi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Mpi.GetMpiFigures;

/// <param name="Months">Calendar months of history (UTC) the monthly plot covers, this one included.</param>
/// <param name="Weeks">Weeks (Monday to Sunday, UTC) the weekly plot covers, this one included.</param>
public sealed record GetMpiFiguresQuery(int Months = 12, int Weeks = 12);

/// <summary>
/// One month or week: records registered (arrived) and, of them, those now in a duplicate pair; links made (by a
/// reviewer or the matcher) and unlinked.
/// </summary>
public sealed record MpiPeriod(DateOnly Start, int Arrived, int ArrivedDuplicates, int Links, int Unlinks)
{
    /// <summary>Duplicate creation rate: new records that are duplicates ÷ new records.</summary>
    public double? CreationRate => Arrived == 0 ? null : (double)ArrivedDuplicates / Arrived;

    /// <summary>False-link rate of the period: unlinks ÷ links.</summary>
    public double? FalseLinkRate => Links == 0 ? null : (double)Unlinks / Links;
}

public sealed record MpiFigures(
    int Records,
    int DuplicateRecords,
    int Worklist,
    TimeSpan? OldestOpenAge,
    int Links,
    int Unlinks,
    IReadOnlyList<MpiPeriod> Months,
    IReadOnlyList<MpiPeriod> Weeks)
{
    /// <summary>AHIMA's duplicate rate: records that are a duplicate of another ÷ all records (both records of a pair count).</summary>
    public double? DuplicateRate => Records == 0 ? null : (double)DuplicateRecords / Records;

    /// <summary>Unlinks ÷ links, all time: the share of links found false.</summary>
    public double? FalseLinkRate => Links == 0 ? null : (double)Unlinks / Links;
}

/// <summary>
/// The HIM manager's MPI figures (issue 16 item 5). A record is a duplicate when it is in a pair that is linked or open on
/// the worklist (review, research, awaiting a second reviewer); a pair decided "not the same person" or unlinked does not
/// count. Links are the decisions "same person" and "auto-linked", unlinks "unlinked" (mpi.pair_decisions). Counts only,
/// no patient data: not audited as a read of records (like the QA figures). Column aliases are snake_case: the context
/// maps the ad hoc result types with its naming convention. Four queries whatever the history's length:
/// the totals, arrivals per day, decisions per day, and the decisions' all-time totals; days are bucketed here.
/// </summary>
[RequiresPermission(Permissions.DepartmentDashboard)]
public sealed class GetMpiFiguresHandler(PermissionCheck permissions, HimDbContext db, TimeProvider clock)
    : Handler<GetMpiFiguresQuery, Result<MpiFigures>>(permissions)
{
    private static readonly string[] Counted = [.. PairStatuses.Open, PairStatuses.Linked];
    private static readonly string[] LinkDecisions = [PairDecisions.SamePerson, PairDecisions.AutoLinked];

    protected override async Task<Result<MpiFigures>> ExecuteAsync(GetMpiFiguresQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var now = clock.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var months = Math.Clamp(query.Months, 1, 60);
        var weeks = Math.Clamp(query.Weeks, 1, 104);
        var firstMonth = new DateOnly(today.Year, today.Month, 1).AddMonths(-(months - 1));
        var firstWeek = today.AddDays(-(((int)today.DayOfWeek + 6) % 7)).AddDays(-7 * (weeks - 1));
        var firstDay = firstMonth < firstWeek ? firstMonth : firstWeek;
        var from = new DateTimeOffset(firstDay.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        string[] open = [.. PairStatuses.Open];

        var totals = await db.Database.SqlQuery<Totals>($"""
            WITH duplicates AS (
                SELECT record_a AS id FROM mpi.candidate_pairs WHERE status = ANY({Counted})
                UNION
                SELECT record_b FROM mpi.candidate_pairs WHERE status = ANY({Counted}))
            SELECT (SELECT count(*) FROM clinical.patients)::int AS records,
                   (SELECT count(*) FROM duplicates)::int AS duplicate_records,
                   (SELECT count(*) FROM mpi.candidate_pairs WHERE status = ANY({open}))::int AS worklist,
                   (SELECT min(found_at) FROM mpi.candidate_pairs WHERE status = ANY({open})) AS oldest_open
            """).SingleAsync(ct);

        // Each record that arrived since the first day, and whether it is now in a counted pair (record_a and record_b
        // are both indexed, so each probe is an index look-up).
        var arrivals = await db.Database.SqlQuery<DayCount>($"""
            SELECT (p.imported_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS first,
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM mpi.candidate_pairs c WHERE c.record_a = p.id AND c.status = ANY({Counted}))
                                       OR EXISTS (SELECT 1 FROM mpi.candidate_pairs c WHERE c.record_b = p.id AND c.status = ANY({Counted})))::int AS second
            FROM clinical.patients p
            WHERE p.imported_at >= {from}
            GROUP BY 1
            """).ToListAsync(ct);

        var decisions = await db.Database.SqlQuery<DayCount>($"""
            SELECT (decided_at AT TIME ZONE 'UTC')::date AS day,
                   count(*) FILTER (WHERE decision = ANY({LinkDecisions}))::int AS first,
                   count(*) FILTER (WHERE decision = {PairDecisions.Unlinked})::int AS second
            FROM mpi.pair_decisions
            WHERE decided_at >= {from} AND (decision = ANY({LinkDecisions}) OR decision = {PairDecisions.Unlinked})
            GROUP BY 1
            """).ToListAsync(ct);

        var allTime = await db.PairDecisions.AsNoTracking()
            .Where(d => LinkDecisions.Contains(d.Decision) || d.Decision == PairDecisions.Unlinked)
            .GroupBy(d => d.Decision == PairDecisions.Unlinked)
            .Select(g => new { Unlink = g.Key, Count = g.Count() })
            .ToListAsync(ct);

        List<MpiPeriod> Buckets(IEnumerable<DateOnly> starts, Func<DateOnly, DateOnly> next) => [.. starts.Select(start =>
        {
            var end = next(start);
            bool In(DayCount d) => d.Day >= start && d.Day < end;
            return new MpiPeriod(start,
                arrivals.Where(In).Sum(d => d.First), arrivals.Where(In).Sum(d => d.Second),
                decisions.Where(In).Sum(d => d.First), decisions.Where(In).Sum(d => d.Second));
        })];

        return Result<MpiFigures>.Success(new MpiFigures(
            totals.Records, totals.DuplicateRecords, totals.Worklist, totals.OldestOpen is { } oldest ? now - oldest : null,
            allTime.Where(t => !t.Unlink).Sum(t => t.Count), allTime.Where(t => t.Unlink).Sum(t => t.Count),
            Buckets(Enumerable.Range(0, months).Select(firstMonth.AddMonths), m => m.AddMonths(1)),
            Buckets(Enumerable.Range(0, weeks).Select(i => firstWeek.AddDays(7 * i)), w => w.AddDays(7))));
    }

    private sealed record Totals(int Records, int DuplicateRecords, int Worklist, DateTimeOffset? OldestOpen);

    /// <summary>Two counts for one UTC day (arrivals and duplicates among them, or links and unlinks).</summary>
    private sealed record DayCount(DateOnly Day, int First, int Second);
}
