using System.Text.Json;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Audit.Checkpoints;
using HimPortal.Application.Audit.VerifyAuditChain;
using HimPortal.Application.Common;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Compliance;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HimPortal.Application.Compliance.Integrity;

public sealed record RunVerificationCommand(Guid VerificationId);

public sealed record ChainVerificationPayload(Guid VerificationId) : IJobPayload;

/// <summary>
/// Runs a requested verification of the audit chain and stores its result; run by the job the request queued
/// (<see cref="ChainVerificationJob"/>), as the compliance reviewer who asked for it. The job queue makes it run once
/// even with several web nodes, and again after a restart.
/// </summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class RunVerificationHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, AuditCheckpointStore checkpoints, TimeProvider clock)
    : Handler<RunVerificationCommand, Result<ChainVerification>>(permissions)
{
    protected override async Task<Result<ChainVerification>> ExecuteAsync(RunVerificationCommand command, CancellationToken ct)
    {
        // Queued, or running when a node stopped half-way (the job queue runs it again): either way this job owns it.
        var claimed = await db.ChainVerifications.Where(v => v.Id == command.VerificationId && (v.Status == "queued" || v.Status == "running"))
            .ExecuteUpdateAsync(set => set.SetProperty(v => v.Status, "running").SetProperty(v => v.StartedAt, clock.GetUtcNow()), ct);
        if (claimed == 0)
        {
            return Error.NotFound("There is no such verification waiting to run.");
        }

        var verification = await db.ChainVerifications.SingleAsync(v => v.Id == command.VerificationId, ct);
        try
        {
            var report = await VerifyAuditChainHandler.VerifyAsync(db, new VerifyAuditChainQuery(verification.RangeFrom, verification.RangeTo), checkpoints, ct);
            verification.Status = report.Intact ? "intact" : "broken";
            verification.RowsChecked = report.RowsChecked;
            verification.LanesSeen = report.LanesSeen;
            verification.Breaks = JsonSerializer.Serialize(report.Breaks.Take(100));
        }
        catch (NpgsqlException ex)
        {
            verification.Status = "failed";
            verification.Error = ex.Message.Length > 1000 ? ex.Message[..1000] : ex.Message;
        }

        verification.FinishedAt = clock.GetUtcNow();
        await db.InTransactionAsync(async token =>
        {
            await db.SaveChangesAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.View, verification.Status == "failed" ? AuditOutcome.Error : AuditOutcome.Success,
                "AuditChain", verification.Id.ToString("D"),
                Details: $"verification {verification.Status}; {RequestVerificationHandler.Describe(verification)}; {verification.RowsChecked} row(s)"), token);
            return true;
        }, ct);
        return Result<ChainVerification>.Success(verification);
    }
}

/// <summary>The job a verification request queued.</summary>
[JobKind(RequestVerificationHandler.JobKind)]
public sealed class ChainVerificationJob(RunVerificationHandler verify) : IJobWork
{
    public async Task<JobOutcome> RunAsync(JobContext job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var result = await verify.HandleAsync(new RunVerificationCommand(job.Payload<ChainVerificationPayload>().VerificationId), ct);
        if (result.Error is { } refused)
        {
            job.FailureMessage = refused.Message;
            return JobOutcome.Failed;
        }

        job.Result = new { result.Value!.Status, result.Value.RowsChecked, result.Value.LanesSeen };
        return JobOutcome.Succeeded;
    }
}
