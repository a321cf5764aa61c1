using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Jobs;
using HimPortal.Application.Patients.Matching;
using HimPortal.Data;

namespace HimPortal.Application.Mpi.ScanIndexNow;

public sealed record ScanIndexNowCommand;

/// <summary>
/// A manager asks for a full scan of the index now (the settings page's button): queues the scan job (one at a time:
/// a second request while one is queued or running returns that one), audited. The job page shows its progress.
/// </summary>
[RequiresPermission(Permissions.MpiMatch)]
public sealed class ScanIndexNowHandler(PermissionCheck permissions, HimDbContext db, JobQueue queue, AccessAudit audit)
    : Handler<ScanIndexNowCommand, Result<Guid>>(permissions)
{
    protected override async Task<Result<Guid>> ExecuteAsync(ScanIndexNowCommand command, CancellationToken ct) =>
        await db.InTransactionAsync(async token =>
        {
            var job = await queue.EnqueueAsync(ScanIndexHandler.Kind, new ScanIndexPayload(), new JobRequest(DedupeKey: ScanIndexHandler.Kind, MaxAttempts: 1), token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Create, AuditOutcome.Success, "Job", job.ToString("D"), Details: "full scan of the master patient index queued"), token);
            return Result<Guid>.Success(job);
        }, ct);
}
