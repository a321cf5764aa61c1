using System.Globalization;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Jobs;
using HimPortal.Data;
using HimPortal.Data.Compliance;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Compliance.Integrity;

/// <summary>Hospital days, both included; both null for the whole chain.</summary>
public sealed record RequestVerificationCommand(DateOnly? From, DateOnly? To);

/// <summary>
/// Queues a verification of the audit hash chain (the whole chain or a range of hospital days). It runs in the background
/// on the job queue (<see cref="ChainVerificationJob"/>), as the reviewer who asked: tens of millions of rows take minutes,
/// longer than a page may wait.
/// </summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class RequestVerificationHandler(
    PermissionCheck permissions, HimDbContext db, JobQueue jobs, AccessAudit audit, IAuditActorAccessor actors, HospitalTime hospital, TimeProvider clock)
    : Handler<RequestVerificationCommand, Result<Guid>>(permissions)
{
    public const string JobKind = "compliance.chain-verification";

    protected override async Task<Result<Guid>> ExecuteAsync(RequestVerificationCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var actor = actors.Current;

        if ((command.From is null) != (command.To is null))
        {
            return Error.Invalid("Give both dates of the range, or neither to check the whole chain.", "From");
        }

        if (command.From > command.To)
        {
            return Error.Invalid("The end date is before the start date.", "To");
        }

        var now = clock.GetUtcNow();
        var verification = new ChainVerification
        {
            Id = Guid.CreateVersion7(now),
            RequestedAt = now,
            RequestedByUserId = actor.UserId,
            RequestedByName = actor.UserName,
            RangeFrom = command.From is { } from ? hospital.StartOf(from) : null,
            RangeTo = command.To is { } to ? hospital.StartOf(to.AddDays(1)) : null,
            Status = "queued",
        };
        return await db.InTransactionAsync(async token =>
        {
            if (await db.ChainVerifications.AnyAsync(v => v.Status == "queued" || v.Status == "running", token))
            {
                return new Error(ErrorKind.Conflict, "busy", "A verification is already queued or running: wait for its result.");
            }

            db.ChainVerifications.Add(verification);
            await db.SaveChangesAsync(token);
            await jobs.EnqueueAsync(JobKind, new ChainVerificationPayload(verification.Id), new JobRequest(MaxAttempts: 2), token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Admin, AuditOutcome.Success, "AuditChain", verification.Id.ToString("D"),
                Details: "verification requested; " + Describe(verification)), token);
            return Result<Guid>.Success(verification.Id);
        }, ct);
    }

    public static string Describe(ChainVerification verification)
    {
        ArgumentNullException.ThrowIfNull(verification);
        return verification.RangeFrom is { } from && verification.RangeTo is { } to
            ? string.Create(CultureInfo.InvariantCulture, $"range {from:yyyy-MM-ddTHH:mmZ} to {to:yyyy-MM-ddTHH:mmZ}")
            : "whole chain";
    }
}
