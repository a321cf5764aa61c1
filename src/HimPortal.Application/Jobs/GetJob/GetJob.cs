using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Jobs.GetJob;

public sealed record GetJobQuery(Guid Id);

/// <summary>One job with its progress and result, for the person who asked for it or whoever watches the queue (Jobs.Monitor).</summary>
[RequiresPermission(Permissions.SignedIn)]
public sealed class GetJobHandler(PermissionCheck permissions, HimDbContext db) : Handler<GetJobQuery, Result<JobView>>(permissions)
{
    private readonly PermissionCheck _permissions = permissions;

    protected override async Task<Result<JobView>> ExecuteAsync(GetJobQuery query, CancellationToken ct)
    {
        var job = await db.Jobs.AsNoTracking().Where(j => j.Id == query.Id).Select(JobView.FromRow).SingleOrDefaultAsync(ct);
        // Someone else's job is "not found" to those who may not watch the queue: its existence is not theirs to know.
        return job is null || (job.RequestedByUserId != _permissions.Actor.UserId && !_permissions.Holds(Permissions.JobsMonitor))
            ? Error.NotFound("There is no such job.")
            : Result<JobView>.Success(job);
    }
}
