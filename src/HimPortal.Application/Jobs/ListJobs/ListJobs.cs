using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Jobs.ListJobs;

/// <param name="Everyone">The department's whole queue (Jobs.Monitor), not only the user's own jobs.</param>
/// <param name="After">Keyset cursor from the previous page (<see cref="JobList.NextAfter"/>).</param>
public sealed record ListJobsQuery(bool Everyone = false, string? Status = null, string? After = null, int PageSize = 50);

public sealed record JobList(IReadOnlyList<JobView> Jobs, string? NextAfter, bool Everyone);

/// <summary>The user's jobs, newest first, keyset-paged; with Jobs.Monitor, everyone's. Job rows hold no patient data.</summary>
[RequiresPermission(Permissions.SignedIn)]
public sealed class ListJobsHandler(PermissionCheck permissions, HimDbContext db) : Handler<ListJobsQuery, Result<JobList>>(permissions)
{
    private readonly PermissionCheck _permissions = permissions;

    protected override async Task<Result<JobList>> ExecuteAsync(ListJobsQuery query, CancellationToken ct)
    {
        if (query.Everyone && !_permissions.Holds(Permissions.JobsMonitor))
        {
            return Error.Forbidden("Only those who watch the department's queue see everyone's jobs.");
        }

        var jobs = db.Jobs.AsNoTracking();
        if (!query.Everyone)
        {
            var userId = _permissions.Actor.UserId;
            jobs = jobs.Where(j => j.RequestedByUserId == userId);
        }

        if (!string.IsNullOrWhiteSpace(query.Status))
        {
            jobs = jobs.Where(j => j.Status == query.Status);
        }

        if (KeysetCursor.Read(query.After, "open the list of jobs again", out var after) is { } badLink)
        {
            return badLink;
        }

        if (after is { } cursor)
        {
            jobs = jobs.Where(j => EF.Functions.LessThan(ValueTuple.Create(j.RequestedAt, j.Id), ValueTuple.Create(cursor.At, cursor.Id)));
        }

        var size = Math.Clamp(query.PageSize, 1, 200);
        var rows = await jobs.OrderByDescending(j => j.RequestedAt).ThenByDescending(j => j.Id).Take(size + 1)
            .Select(JobView.FromRow).ToListAsync(ct);
        var next = rows.Count > size ? new KeysetCursor(rows[size - 1].RequestedAt, rows[size - 1].Id).ToString() : null;
        return Result<JobList>.Success(new JobList(rows.Take(size).Select(r => r with { Result = null }).ToList(), next, query.Everyone));
    }
}
