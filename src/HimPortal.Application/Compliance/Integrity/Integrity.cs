using System.Globalization;
using System.Text.Json;
using HimPortal.Application.Auditing;
using HimPortal.Application.Auditing.VerifyAuditChain;
using HimPortal.Application.Common;
using HimPortal.Application.Security;
using HimPortal.Data;
using HimPortal.Data.Compliance;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace HimPortal.Application.Compliance.Integrity;

/// <summary>Hospital days, both included; both null for the whole chain.</summary>
public sealed record RequestVerificationCommand(DateOnly? From, DateOnly? To);

/// <summary>
/// Queues a verification of the audit hash chain (the whole chain or a range of hospital days). It runs in the background
/// (<see cref="RunQueuedVerificationHandler"/>): tens of millions of rows take minutes, longer than a page may wait.
/// </summary>
public sealed class RequestVerificationHandler(HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, HospitalTime hospital, TimeProvider clock)
{
    public async Task<Result<Guid>> HandleAsync(RequestVerificationCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        var actor = actors.Current;
        if (!RolePermissions.Grants(actor.Roles, Permissions.AuditReview))
        {
            return ComplianceErrors.NotPermitted;
        }

        if ((command.From is null) != (command.To is null))
        {
            return new Error("invalid", "Give both dates of the range, or neither to check the whole chain.", "From");
        }

        if (command.From > command.To)
        {
            return new Error("invalid", "The end date is before the start date.", "To");
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
                return new Error("busy", "A verification is already queued or running: wait for its result.");
            }

            db.ChainVerifications.Add(verification);
            await db.SaveChangesAsync(token);
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

public sealed record RunQueuedVerificationCommand;

/// <summary>
/// Runs the oldest queued verification, if any, and stores its result; called by the background worker. The result
/// (rows checked, breaks found) is audited as the system's.
/// </summary>
public sealed class RunQueuedVerificationHandler(HimDbContext db, VerifyAuditChainHandler verifier, AccessAudit audit, TimeProvider clock)
{
    public static readonly AuditActor SystemActor = new(null, "system:chain-verification", [], null, null, null);

    public async Task<ChainVerification?> HandleAsync(RunQueuedVerificationCommand command, CancellationToken ct)
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
            return null;
        }

        var verification = await db.ChainVerifications.SingleAsync(v => v.Id == claimed[0], ct);
        try
        {
            var report = await verifier.HandleAsync(new VerifyAuditChainQuery(verification.RangeFrom, verification.RangeTo), ct);
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
                Details: $"verification {verification.Status}; {RequestVerificationHandler.Describe(verification)}; {verification.RowsChecked} row(s)",
                Actor: SystemActor with { CorrelationId = verification.Id.ToString("N") }), token);
            return true;
        }, ct);
        return verification;
    }
}

public sealed record ListVerificationsQuery;

public sealed record VerificationItem(
    Guid Id,
    DateTimeOffset RequestedAt,
    string? RequestedBy,
    DateTimeOffset? RangeFrom,
    DateTimeOffset? RangeTo,
    string Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    long RowsChecked,
    int LanesSeen,
    IReadOnlyList<AuditChainBreak> Breaks,
    string? Error);

public sealed record LaneHead(short Lane, long Seq, string Hash, DateTimeOffset? At);

public sealed record IntegrityOverview(IReadOnlyList<VerificationItem> Verifications, IReadOnlyList<LaneHead> LaneHeads);

/// <summary>The last verifications with their results, and the current head of each lane (to note down as an anchor).</summary>
public sealed class ListVerificationsHandler(HimDbContext db, IAuditActorAccessor actors)
{
    public async Task<Result<IntegrityOverview>> HandleAsync(ListVerificationsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!RolePermissions.Grants(actors.Current.Roles, Permissions.AuditReview))
        {
            return ComplianceErrors.NotPermitted;
        }

        var rows = await db.ChainVerifications.AsNoTracking().OrderByDescending(v => v.RequestedAt).Take(20).ToListAsync(ct);
        var heads = await db.AuditLaneHeads.AsNoTracking().OrderBy(h => h.Lane).ToListAsync(ct);
        return Result<IntegrityOverview>.Success(new IntegrityOverview(
            rows.Select(v => new VerificationItem(v.Id, v.RequestedAt, v.RequestedByName, v.RangeFrom, v.RangeTo, v.Status, v.StartedAt, v.FinishedAt,
                v.RowsChecked, v.LanesSeen, v.Breaks is null ? [] : JsonSerializer.Deserialize<List<AuditChainBreak>>(v.Breaks) ?? [], v.Error)).ToList(),
            heads.Select(h => new LaneHead(h.Lane, h.LaneSeq, Convert.ToHexStringLower(h.Hash), h.OccurredAt)).ToList()));
    }
}

/// <summary>The last line of an export names its last row's id and hash; this checks them against the log.</summary>
public sealed record CheckExportedRowQuery(string? RowId, string? Hash);

public sealed record ExportedRowCheck(bool Found, bool HashMatches, bool RowIntact, DateTimeOffset? OccurredAt, short? Lane, long? Seq, string Message);

/// <summary>
/// Checks an export's closing line: the row must still be in the log with that very hash, and its content must still
/// produce that hash. The export then shows the log as it was; a full or range verification proves the rest of the chain.
/// </summary>
public sealed class CheckExportedRowHandler(HimDbContext db, AccessAudit audit, IAuditActorAccessor actors)
{
    public async Task<Result<ExportedRowCheck>> HandleAsync(CheckExportedRowQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!RolePermissions.Grants(actors.Current.Roles, Permissions.AuditReview))
        {
            return ComplianceErrors.NotPermitted;
        }

        if (!Guid.TryParse(query.RowId?.Trim(), out var id))
        {
            return new Error("invalid", "Paste the row id from the export's last line (a GUID such as 0199…-…).", "RowId");
        }

        var hashText = query.Hash?.Trim().ToLowerInvariant() ?? "";
        if (hashText.Length != 64 || !hashText.All(Uri.IsHexDigit))
        {
            return new Error("invalid", "Paste the hash from the export's last line: 64 hexadecimal characters.", "Hash");
        }

        var row = await db.AccessEvents.AsNoTracking().Where(e => e.Id == id).FirstOrDefaultAsync(ct);
        ExportedRowCheck check;
        if (row is null)
        {
            check = new ExportedRowCheck(false, false, false, null, null, null,
                "No row with this id is in the access log (it may belong to an archived month, or it was removed).");
        }
        else
        {
            var matches = Convert.ToHexStringLower(row.Hash) == hashText;
            var intact = AuditChain.ComputeHash(row).AsSpan().SequenceEqual(row.Hash);
            var message = (matches, intact) switch
            {
                (true, true) => "The row is in the log with this hash, and its content still produces it: the export matches the log.",
                (false, _) => "The row is in the log, but with a different hash: the export and the log disagree.",
                _ => "The row is in the log with this hash, but its content no longer produces it: the row was altered.",
            };
            check = new ExportedRowCheck(true, matches, intact, row.OccurredAt, row.Lane, row.LaneSeq, message);
        }

        await audit.RecordAloneAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "AuditChain", id.ToString("D"),
            Details: $"export row check; found={check.Found}; hash matches={check.HashMatches}; intact={check.RowIntact}"), ct);
        return Result<ExportedRowCheck>.Success(check);
    }
}
