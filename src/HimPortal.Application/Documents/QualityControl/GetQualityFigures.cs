using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Documents;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Documents.QualityControl;

/// <param name="Weeks">How many weeks of history the plots cover (the backlog is plotted per day over the same span).</param>
public sealed record GetQualityFiguresQuery(int Weeks = 12);

/// <summary>Reviewed filings and the corrections among them: the error rate is Corrected / Reviewed.</summary>
public sealed record ErrorRate(string Label, int Reviewed, int Corrected)
{
    public double? Rate => Reviewed == 0 ? null : (double)Corrected / Reviewed;
}

public sealed record WeekPoint(DateOnly WeekOf, int Reviewed, int Corrected)
{
    public double? Rate => Reviewed == 0 ? null : (double)Corrected / Reviewed;
}

public sealed record BacklogPoint(DateOnly Day, int Waiting);

public sealed record QualityFigures(
    IReadOnlyList<ErrorRate> ByClerk,
    IReadOnlyList<ErrorRate> ByType,
    int Backlog,
    TimeSpan? OldestAge,
    IReadOnlyList<WeekPoint> Weeks,
    IReadOnlyList<BacklogPoint> BacklogByDay,
    QualitySettings Settings);

/// <summary>
/// The HIM manager's QA figures (issue 15 item 6): error rates (corrections / reviewed) per indexer and per document type
/// as filed, the QA backlog and its oldest filing's age, and per week the reviews and the error rate, per day the backlog.
/// No patient data: counts by staff member and type only, so not audited as a read of records. Days and weeks are UTC.
/// </summary>
[RequiresPermission(Permissions.DepartmentDashboard)]
public sealed class GetQualityFiguresHandler(PermissionCheck permissions, HimDbContext db, Microsoft.Extensions.Options.IOptions<DocumentsOptions> options, TimeProvider clock)
    : Handler<GetQualityFiguresQuery, Result<QualityFigures>>(permissions)
{
    protected override async Task<Result<QualityFigures>> ExecuteAsync(GetQualityFiguresQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var now = clock.GetUtcNow();
        var weeks = Math.Clamp(query.Weeks, 1, 104);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var firstWeek = today.AddDays(-(((int)today.DayOfWeek + 6) % 7)).AddDays(-7 * (weeks - 1));
        var from = new DateTimeOffset(firstWeek.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var reviews = db.Set<QualityReview>().AsNoTracking();
        var done = reviews.Where(r => r.Status == QualityReviewStatuses.Confirmed || r.Status == QualityReviewStatuses.Corrected);

        var byClerk = await done.GroupBy(r => r.IndexedByUserId)
            .Select(g => new { g.Key, Reviewed = g.Count(), Corrected = g.Count(r => r.Status == QualityReviewStatuses.Corrected) })
            .ToListAsync(ct);
        Guid[] clerkIds = [.. byClerk.Select(c => c.Key).OfType<Guid>()];
        var names = await db.Users.Where(u => clerkIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.DisplayName, ct);
        var byType = await done.GroupBy(r => r.DocumentTypeId)
            .Select(g => new { g.Key, Reviewed = g.Count(), Corrected = g.Count(r => r.Status == QualityReviewStatuses.Corrected) })
            .ToListAsync(ct);
        var types = await db.Set<DocumentType>().AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, ct);

        var pending = reviews.Where(r => r.Status == QualityReviewStatuses.Pending);
        var backlog = await pending.CountAsync(ct);
        var oldest = await pending.MinAsync(r => (DateTimeOffset?)r.FiledAt, ct);

        var reviewedSince = await done.Where(r => r.ReviewedAt >= from).Select(r => new { r.ReviewedAt, r.Status }).ToListAsync(ct);
        var weekPoints = Enumerable.Range(0, weeks).Select(i =>
        {
            var start = from.AddDays(7 * i);
            var inWeek = reviewedSince.Where(r => r.ReviewedAt >= start && r.ReviewedAt < start.AddDays(7)).ToList();
            return new WeekPoint(firstWeek.AddDays(7 * i), inWeek.Count, inWeek.Count(r => r.Status == QualityReviewStatuses.Corrected));
        }).ToList();

        // Each drawn filing waits from when it was drawn until it is reviewed: the backlog at the end of each day.
        var drawn = await reviews.Where(r => r.SampleReason != null && (r.ReviewedAt == null || r.ReviewedAt >= from))
            .Select(r => new { r.ConsideredAt, r.ReviewedAt }).ToListAsync(ct);
        var days = today.DayNumber - firstWeek.DayNumber + 1;
        var backlogPoints = Enumerable.Range(0, days).Select(i =>
        {
            var day = firstWeek.AddDays(i);
            var end = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return new BacklogPoint(day, drawn.Count(r => r.ConsideredAt < end && (r.ReviewedAt is null || r.ReviewedAt >= end)));
        }).ToList();

        var settings = await QualitySettings.CurrentAsync(db, options.Value.QualityReview, ct);
        return Result<QualityFigures>.Success(new QualityFigures(
            [.. byClerk.Select(c => new ErrorRate(c.Key is { } id ? names.GetValueOrDefault(id, "(unknown account)") : "System (cover sheets)", c.Reviewed, c.Corrected))
                .OrderBy(c => c.Label, StringComparer.CurrentCulture)],
            [.. byType.Select(t => new ErrorRate(t.Key is { } id ? types.GetValueOrDefault(id, "(unknown type)") : "(no type)", t.Reviewed, t.Corrected))
                .OrderBy(t => t.Label, StringComparer.CurrentCulture)],
            backlog, oldest is { } o ? now - o : null, weekPoints, backlogPoints, settings));
    }
}
