using System.Text.Json;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Audit.VerifyAuditChain;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Compliance;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HimPortal.Application.Compliance.Integrity;

public sealed record RunQueuedVerificationCommand;

/// <summary>
/// Runs the oldest queued verification, if any, and stores its result; called by the background worker. The result
/// (rows checked, breaks found) is audited as the system's.
/// </summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class RunQueuedVerificationHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, TimeProvider clock) : Handler<RunQueuedVerificationCommand, Result<ChainVerification?>>(permissions)
{
    protected override async Task<Result<ChainVerification?>> ExecuteAsync(RunQueuedVerificationCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        // A verification left running by an application that stopped is failed, so it no longer blocks new ones.
        await db.ChainVerifications.Where(v => v.Status == "running" && v.StartedAt < clock.GetUtcNow().AddHours(-6))
            .ExecuteUpdateAsync(set => set.SetProperty(v => v.Status, "failed").SetProperty(v => v.FinishedAt, clock.GetUtcNow())
                .SetProperty(v => v.Error, "interrupted: the application stopped while it ran"), ct);

        // Claimed with a conditional update, so two web instances never run the same one.
        var claimed = await db.Database.SqlQueryRaw<Guid>("""
            UPDATE compliance.chain_verifications SET status = 'running', started_at = {0}
            WHERE id = (SELECT id FROM compliance.chain_verifications WHERE status = 'queued' ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED)
            RETURNING id AS "Value"
            """, clock.GetUtcNow()).ToListAsync(ct);
        if (claimed.Count == 0)
        {
            return Result<ChainVerification?>.Success(null);
        }

        var verification = await db.ChainVerifications.SingleAsync(v => v.Id == claimed[0], ct);
        try
        {
            var report = await VerifyAuditChainHandler.VerifyAsync(db, new VerifyAuditChainQuery(verification.RangeFrom, verification.RangeTo), ct);
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
        return Result<ChainVerification?>.Success(verification);
    }
}
