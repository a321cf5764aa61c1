using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Jobs;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Administration.SystemStatus;

public sealed record GetSystemStatusQuery;

public sealed record CacheStatus(string Name, long Hits, long Misses, long Size)
{
    public double? HitRatio => Hits + Misses == 0 ? null : (double)Hits / (Hits + Misses);
}

public sealed record JobQueueStatus(
    IReadOnlyDictionary<string, int> ByStatus,
    TimeSpan? OldestQueuedWait,
    int FailedLastDay,
    IReadOnlyList<JobView> Running);

public sealed record SystemStatus(string Node, IReadOnlyList<CacheStatus> Caches, JobQueueStatus Jobs);

/// <summary>
/// How this installation is doing, for administrators and those who watch the job queue: this node's caches (hits and
/// misses since start) and the department's queue (jobs by status, the longest wait, failures of the last day, what
/// runs now). No patient data: jobs carry ids only.
/// </summary>
[RequiresPermission(Permissions.JobsMonitor)]
public sealed class GetSystemStatusHandler(PermissionCheck permissions, HimDbContext db, IEnumerable<ICacheCounters> caches, TimeProvider clock)
    : Handler<GetSystemStatusQuery, Result<SystemStatus>>(permissions)
{
    protected override async Task<Result<SystemStatus>> ExecuteAsync(GetSystemStatusQuery query, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var byStatus = await db.Jobs.AsNoTracking().GroupBy(j => j.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        var oldest = await db.Jobs.AsNoTracking().Where(j => j.Status == JobStatus.Queued && j.NotBefore <= now)
            .OrderBy(j => j.NotBefore).Select(j => (DateTimeOffset?)j.NotBefore).FirstOrDefaultAsync(ct);
        var since = now.AddDays(-1);
        var failed = await db.Jobs.AsNoTracking().CountAsync(j => j.Status == JobStatus.Failed && j.FinishedAt >= since, ct);
        var running = await db.Jobs.AsNoTracking().Where(j => j.Status == JobStatus.Running).OrderBy(j => j.StartedAt)
            .Select(JobView.FromRow).ToListAsync(ct);
        var statuses = JobStatus.All.ToDictionary(s => s, s => byStatus.SingleOrDefault(b => b.Key == s)?.Count ?? 0, StringComparer.Ordinal);
        return Result<SystemStatus>.Success(new SystemStatus(
            JobRunner.Node,
            caches.Select(c => new CacheStatus(c.Name, c.Hits, c.Misses, c.Size)).ToList(),
            new JobQueueStatus(statuses, oldest is { } at ? now - at : null, failed, running.Select(r => r with { Result = null }).ToList())));
    }
}
