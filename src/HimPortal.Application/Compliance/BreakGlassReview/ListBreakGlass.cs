using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Access.BreakGlass;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Compliance;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Compliance.BreakGlassReview;

public enum BreakGlassQueue
{
    /// <summary>Waiting for a first review, oldest first: the queue.</summary>
    Unreviewed,

    /// <summary>Reviewed as needing follow-up, oldest first.</summary>
    FollowUp,

    /// <summary>Reviewed with a final disposition, newest review first.</summary>
    Reviewed,
}

public sealed record ListBreakGlassQuery(BreakGlassQueue Queue = BreakGlassQueue.Unreviewed, string? After = null, int PageSize = 50);

public sealed record BreakGlassItem(
    Guid Id,
    DateTimeOffset GrantedAt,
    DateTimeOffset ExpiresAt,
    Guid UserId,
    string UserName,
    Guid PatientId,
    string PatientName,
    string? PatientMrn,
    string Reason,
    string? Disposition,
    DateTimeOffset? ReviewedAt,
    bool Overdue);

public sealed record BreakGlassList(IReadOnlyList<BreakGlassItem> Items, string? NextAfter, int OverdueDays);

/// <summary>The review queue of emergency accesses. It names patients, so reading it is audited like a search of the log.</summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class ListBreakGlassHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IOptions<ComplianceOptions> options, TimeProvider clock) : Handler<ListBreakGlassQuery, Result<BreakGlassList>>(permissions)
{
    protected override async Task<Result<BreakGlassList>> ExecuteAsync(ListBreakGlassQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);

        if (KeysetCursor.Read(query.After, "open the queue again", out var after) is { } badLink)
        {
            return badLink;
        }

        var overdueDays = options.Value.ReviewOverdueDays;
        var overdueBefore = clock.GetUtcNow().AddDays(-overdueDays);
        var size = Math.Clamp(query.PageSize, 1, 200);
        var grants = db.BreakGlassAccesses.AsNoTracking();
        grants = query.Queue switch
        {
            BreakGlassQueue.Unreviewed => grants.Where(g => g.ReviewedAt == null),
            BreakGlassQueue.FollowUp => grants.Where(g => g.Disposition == Dispositions.FollowUp),
            _ => grants.Where(g => g.ReviewedAt != null && g.Disposition != Dispositions.FollowUp),
        };
        if (after is { } c)
        {
            grants = query.Queue == BreakGlassQueue.Reviewed
                ? grants.Where(g => EF.Functions.LessThan(ValueTuple.Create(g.ReviewedAt!.Value, g.Id), ValueTuple.Create(c.At, c.Id)))
                : grants.Where(g => EF.Functions.GreaterThan(ValueTuple.Create(g.GrantedAt, g.Id), ValueTuple.Create(c.At, c.Id)));
        }

        grants = query.Queue == BreakGlassQueue.Reviewed
            ? grants.OrderByDescending(g => g.ReviewedAt).ThenByDescending(g => g.Id)
            : grants.OrderBy(g => g.GrantedAt).ThenBy(g => g.Id);
        var rows = await db.InTransactionAsync(async token =>
        {
            var page = await grants.Take(size + 1)
                .Join(db.Users, g => g.UserId, u => u.Id, (g, u) => new { g, u.DisplayName, u.Email })
                .Join(db.Set<Patient>(), x => x.g.PatientId, p => p.Id, (x, p) => new
                {
                    x.g,
                    x.DisplayName,
                    x.Email,
                    PatientName = ((p.GivenNames ?? "") + " " + (p.FamilyName ?? "")).Trim(),
                    p.Mrn,
                })
                .ToListAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, "BreakGlassAccess",
                Details: $"break-the-glass queue; {query.Queue}; {Math.Min(page.Count, size)} shown"), token);
            return page;
        }, ct);
        rows = query.Queue == BreakGlassQueue.Reviewed
            ? [.. rows.OrderByDescending(r => r.g.ReviewedAt).ThenByDescending(r => r.g.Id)]
            : [.. rows.OrderBy(r => r.g.GrantedAt).ThenBy(r => r.g.Id)];
        var items = rows.Take(size).Select(r => new BreakGlassItem(r.g.Id, r.g.GrantedAt, r.g.ExpiresAt, r.g.UserId, $"{r.DisplayName} ({r.Email})",
            r.g.PatientId, r.PatientName, r.Mrn, BreakGlassReasons.Label(r.g.ReasonCode) ?? r.g.ReasonCode, r.g.Disposition, r.g.ReviewedAt,
            r.g.ReviewedAt is null && r.g.GrantedAt < overdueBefore)).ToList();
        string? next = null;
        if (rows.Count > size)
        {
            var last = items[^1];
            next = new KeysetCursor(query.Queue == BreakGlassQueue.Reviewed ? last.ReviewedAt!.Value : last.GrantedAt, last.Id).ToString();
        }

        return Result<BreakGlassList>.Success(new BreakGlassList(items, next, overdueDays));
    }
}
