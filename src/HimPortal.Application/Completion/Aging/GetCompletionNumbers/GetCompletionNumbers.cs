using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Completion.Aging.GetCompletionNumbers;

/// <param name="Months">Month-end points the plot covers, this month's (as of now) included.</param>
public sealed record GetCompletionNumbersQuery(int Months = 12);

/// <summary>
/// Records, not deficiencies: <paramref name="Incomplete"/> records not marked complete, of them <paramref name="Delinquent"/>
/// past their delinquency date; <paramref name="Discharges"/> in the 3 months before; the rate is delinquent records ÷
/// average monthly discharges (null with no discharges).
/// </summary>
public sealed record DelinquencyFigure(int Incomplete, int Delinquent, int Discharges)
{
    public double AverageMonthlyDischarges => Discharges / 3.0;

    public double? Rate => Discharges == 0 ? null : Delinquent / AverageMonthlyDischarges;

    /// <summary>The Joint Commission counts a delinquency rate over 50 % of average monthly discharges as a finding.</summary>
    public bool SurveyFinding => Rate > CompletionNumbers.FindingRate;
}

/// <param name="Month">The month (its first day, hospital time); the point is at its end, or now for this month.</param>
public sealed record DelinquencyPoint(DateOnly Month, DateTimeOffset At, DelinquencyFigure Figure);

public sealed record DelinquencyRow(Guid Id, string Label, string? Npi, DelinquencyFigure Figure);

public sealed record CompletionNumbers(DelinquencyFigure Now, IReadOnlyList<DelinquencyPoint> Months, IReadOnlyList<DelinquencyRow> ByPhysician,
    IReadOnlyList<DelinquencyRow> ByDepartment)
{
    public const double FindingRate = 0.5;
}

/// <summary>
/// Chart completion in numbers (issue 18 item 4), counted as AHIMA and the Joint Commission count (RC.01.04.01):
/// incomplete and delinquent records (records, not deficiencies), the delinquency rate = delinquent records ÷ average
/// monthly discharges over the last 3 months (over 50 % is a survey finding), by physician (a record counts for each
/// physician who owes something on it; their discharges are the stays they took part in or owe on) and by department
/// (its members'), and the same at each month end (hospital time) from the stays' discharge, completion and
/// delinquency dates. Counts only, no patient data: not audited as a read of records, like the other figures.
/// Three set-based statements whatever the number of stays.
/// </summary>
[RequiresPermission(Permissions.CompletionManage)]
public sealed class GetCompletionNumbersHandler(PermissionCheck permissions, HimDbContext db, HospitalTime hospital, TimeProvider clock)
    : Handler<GetCompletionNumbersQuery, Result<CompletionNumbers>>(permissions)
{
    protected override async Task<Result<CompletionNumbers>> ExecuteAsync(GetCompletionNumbersQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var now = clock.GetUtcNow();
        var months = Math.Clamp(query.Months, 1, 60);
        var today = hospital.DayOf(now);
        var thisMonth = new DateOnly(today.Year, today.Month, 1);
        var points = Enumerable.Range(1, months - 1).Reverse()
            .Select(k => (Month: thisMonth.AddMonths(-k), At: hospital.StartOf(thisMonth.AddMonths(-k + 1))))
            .Append((Month: thisMonth, At: now)).ToList();
        var ends = points.Select(p => p.At.ToUniversalTime()).ToArray();
        var from = now.AddMonths(-3);
        var complete = Data.Completion.StayStatuses.Complete;
        var open = Data.Completion.DeficiencyStatuses.Open;

        var monthly = await db.Database.SqlQuery<PointRow>($"""
            SELECT p.at,
                   (SELECT count(*) FROM completion.stays s WHERE s.discharged_at <= p.at AND (s.completed_at IS NULL OR s.completed_at > p.at))::int AS incomplete,
                   (SELECT count(*) FROM completion.stays s WHERE s.delinquent_at <= p.at AND s.discharged_at <= p.at AND (s.completed_at IS NULL OR s.completed_at > p.at))::int AS delinquent,
                   (SELECT count(*) FROM completion.stays s WHERE s.discharged_at > p.at - interval '3 months' AND s.discharged_at <= p.at)::int AS discharges
            FROM unnest({ends}) AS p(at) ORDER BY p.at
            """).ToListAsync(ct);

        // Who owes what on which incomplete record, and whose discharges: the rows both breakdowns count.
        var byPhysician = await db.Database.SqlQuery<BreakdownRow>($"""
            WITH owed AS (
                SELECT DISTINCT d.responsible_practitioner_id AS who, s.encounter_id, s.delinquent_at <= {now} AS late
                FROM completion.stays s JOIN completion.deficiencies d ON d.encounter_id = s.encounter_id
                WHERE s.status <> {complete} AND d.status = {open} AND d.responsible_practitioner_id IS NOT NULL),
            discharged AS (
                SELECT ep.practitioner_id AS who, s.encounter_id FROM completion.stays s
                JOIN clinical.encounter_participants ep ON ep.parent_id = s.encounter_id
                WHERE s.discharged_at > {from} AND s.discharged_at <= {now}
                UNION
                SELECT d.responsible_practitioner_id, s.encounter_id FROM completion.stays s
                JOIN completion.deficiencies d ON d.encounter_id = s.encounter_id
                WHERE s.discharged_at > {from} AND s.discharged_at <= {now} AND d.responsible_practitioner_id IS NOT NULL),
            counts AS (
                SELECT who, count(DISTINCT encounter_id)::int AS incomplete, count(DISTINCT encounter_id) FILTER (WHERE late)::int AS delinquent
                FROM owed GROUP BY who)
            SELECT c.who AS id, trim(coalesce(p.given_names, '') || ' ' || coalesce(p.family_name, '')) AS label, p.npi,
                   c.incomplete, c.delinquent,
                   (SELECT count(DISTINCT x.encounter_id) FROM discharged x WHERE x.who = c.who)::int AS discharges
            FROM counts c LEFT JOIN clinical.practitioners p ON p.id = c.who
            ORDER BY c.delinquent DESC, c.incomplete DESC, label
            """).ToListAsync(ct);

        var byDepartment = await db.Database.SqlQuery<BreakdownRow>($"""
            WITH owed AS (
                SELECT DISTINCT m.department_id AS dept, s.encounter_id, s.delinquent_at <= {now} AS late
                FROM completion.stays s JOIN completion.deficiencies d ON d.encounter_id = s.encounter_id
                JOIN completion.department_members m ON m.practitioner_id = d.responsible_practitioner_id
                WHERE s.status <> {complete} AND d.status = {open}),
            discharged AS (
                SELECT m.department_id AS dept, s.encounter_id FROM completion.stays s
                JOIN clinical.encounter_participants ep ON ep.parent_id = s.encounter_id
                JOIN completion.department_members m ON m.practitioner_id = ep.practitioner_id
                WHERE s.discharged_at > {from} AND s.discharged_at <= {now}
                UNION
                SELECT m.department_id, s.encounter_id FROM completion.stays s
                JOIN completion.deficiencies d ON d.encounter_id = s.encounter_id
                JOIN completion.department_members m ON m.practitioner_id = d.responsible_practitioner_id
                WHERE s.discharged_at > {from} AND s.discharged_at <= {now})
            SELECT dep.id, dep.name AS label, NULL::text AS npi,
                   (SELECT count(DISTINCT o.encounter_id) FROM owed o WHERE o.dept = dep.id)::int AS incomplete,
                   (SELECT count(DISTINCT o.encounter_id) FROM owed o WHERE o.dept = dep.id AND o.late)::int AS delinquent,
                   (SELECT count(DISTINCT x.encounter_id) FROM discharged x WHERE x.dept = dep.id)::int AS discharges
            FROM completion.departments dep
            ORDER BY delinquent DESC, incomplete DESC, dep.name
            """).ToListAsync(ct);

        var series = points.Zip(monthly, (p, row) => new DelinquencyPoint(p.Month, p.At, new DelinquencyFigure(row.Incomplete, row.Delinquent, row.Discharges))).ToList();
        return Result<CompletionNumbers>.Success(new CompletionNumbers(series[^1].Figure, series,
            [.. byPhysician.Select(Row)], [.. byDepartment.Select(Row)]));

        static DelinquencyRow Row(BreakdownRow r) => new(r.Id, r.Label.Length == 0 ? "(unnamed)" : r.Label, r.Npi, new DelinquencyFigure(r.Incomplete, r.Delinquent, r.Discharges));
    }

    private sealed record PointRow(DateTimeOffset At, int Incomplete, int Delinquent, int Discharges);

    private sealed record BreakdownRow(Guid Id, string Label, string? Npi, int Incomplete, int Delinquent, int Discharges);
}
