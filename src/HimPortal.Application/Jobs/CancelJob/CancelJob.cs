using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Jobs;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Jobs.CancelJob;

public sealed record CancelJobCommand(Guid Id);

/// <summary>
/// Cancels a job: a queued one at once; a running one is asked to stop, and stops at its next heartbeat (what it
/// committed stays committed: each of its steps is a transaction of its own). The requester or Jobs.Monitor may.
/// </summary>
[RequiresPermission(Permissions.SignedIn)]
public sealed class CancelJobHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, TimeProvider clock)
    : Handler<CancelJobCommand, Result<string>>(permissions)
{
    private readonly PermissionCheck _permissions = permissions;

    protected override Task<Result<string>> ExecuteAsync(CancelJobCommand command, CancellationToken ct) =>
        db.InTransactionAsync<Result<string>>(async token =>
        {
            var userId = _permissions.Actor.UserId;
            var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == command.Id, token);
            if (job is null || (job.RequestedByUserId != userId && !_permissions.Holds(Permissions.JobsMonitor)))
            {
                return Error.NotFound("There is no such job.");
            }

            var now = clock.GetUtcNow();
            // One statement against the row as it is now (the runner beats its heartbeat on the same row): SET sees the old values.
            var changed = await db.Jobs.Where(j => j.Id == job.Id && (j.Status == JobStatus.Queued || j.Status == JobStatus.Running))
                .ExecuteUpdateAsync(set => set
                    .SetProperty(j => j.CancelRequestedAt, j => j.CancelRequestedAt ?? now)
                    .SetProperty(j => j.CancelRequestedByUserId, j => j.CancelRequestedByUserId ?? userId)
                    .SetProperty(j => j.Status, j => j.Status == JobStatus.Queued ? JobStatus.Cancelled : j.Status)
                    .SetProperty(j => j.FinishedAt, j => j.Status == JobStatus.Queued ? now : j.FinishedAt)
                    .SetProperty(j => j.Error, j => j.Status == JobStatus.Queued ? "Cancelled before it started." : j.Error), token);
            if (changed == 0)
            {
                return Error.Conflict("The job has already finished.");
            }

            var status = await db.Jobs.Where(j => j.Id == job.Id).Select(j => j.Status).SingleAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Update, AuditOutcome.Success, "Job", job.Id.ToString("D"),
                Details: $"cancel; kind={job.Kind}; now={status}"), token);
            return Result<string>.Success(status);
        }, ct);
}
