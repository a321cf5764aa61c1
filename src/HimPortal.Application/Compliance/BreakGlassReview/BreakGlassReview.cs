using FluentValidation;
using HimPortal.Application.Auditing;
using HimPortal.Application.Charts.BreakGlass;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.AccessLog;
using HimPortal.Application.Compliance.Reviews;
using HimPortal.Application.Security;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Access;
using HimPortal.Data.Compliance;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

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
public sealed class ListBreakGlassHandler(HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, IConfiguration configuration, TimeProvider clock)
{
    public async Task<Result<BreakGlassList>> HandleAsync(ListBreakGlassQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!RolePermissions.Grants(actors.Current.Roles, Permissions.AuditReview))
        {
            return ComplianceErrors.NotPermitted;
        }

        if (AccessLogCursor.Read(query.After, "open the queue again", out var after) is { } badLink)
        {
            return badLink;
        }

        var overdueDays = ReviewRules.OverdueDays(configuration);
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
                ? grants.Where(g => EF.Functions.LessThan(ValueTuple.Create(g.ReviewedAt!.Value, g.Id), ValueTuple.Create(c.OccurredAt, c.Id)))
                : grants.Where(g => EF.Functions.GreaterThan(ValueTuple.Create(g.GrantedAt, g.Id), ValueTuple.Create(c.OccurredAt, c.Id)));
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
            next = new AccessLogCursor(query.Queue == BreakGlassQueue.Reviewed ? last.ReviewedAt!.Value : last.GrantedAt, last.Id).ToString();
        }

        return Result<BreakGlassList>.Success(new BreakGlassList(items, next, overdueDays));
    }
}

public sealed record GetBreakGlassReviewQuery(Guid Id);

public sealed record BreakGlassReviewView(
    Guid Id,
    Guid UserId,
    string UserName,
    string UserEmail,
    IReadOnlyList<string> UserRoles,
    string? UserDepartment,
    Guid PatientId,
    string PatientName,
    string? PatientMrn,
    DateOnly? PatientBirthDate,
    string ReasonCode,
    string Reason,
    string? ReasonText,
    string Attestation,
    DateTimeOffset GrantedAt,
    DateTimeOffset ExpiresAt,
    Guid AuditEventId,
    string? Disposition,
    string? ReviewNotes,
    DateTimeOffset? ReviewedAt,
    string? ReviewerName,
    uint Version,
    bool Overdue,
    int UserBreakGlassLast90Days,
    IReadOnlyList<AccessLogRow> AccessesDuringGrant);

/// <summary>
/// One emergency access with what the reviewer needs to judge it: who, which patient, the reason and attestation, and
/// every audited access this user made to this patient while the grant lasted (the chart sections opened).
/// Viewing it is audited (it names the patient).
/// </summary>
public sealed class GetBreakGlassReviewHandler(
    HimDbContext db,
    AccessAudit audit,
    IAuditActorAccessor actors,
    IConfiguration configuration,
    TimeProvider clock)
{
    public async Task<Result<BreakGlassReviewView>> HandleAsync(GetBreakGlassReviewQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!RolePermissions.Grants(actors.Current.Roles, Permissions.AuditReview))
        {
            return ComplianceErrors.NotPermitted;
        }

        var now = clock.GetUtcNow();
        var overdueBefore = now.AddDays(-ReviewRules.OverdueDays(configuration));
        return await db.InTransactionAsync<Result<BreakGlassReviewView>>(async token =>
        {
            var row = await db.BreakGlassAccesses.AsNoTracking().Where(g => g.Id == query.Id)
                .Join(db.Users, g => g.UserId, u => u.Id, (g, u) => new { g, u })
                .Join(db.Set<Patient>(), x => x.g.PatientId, p => p.Id, (x, p) => new
                {
                    x.g,
                    x.u.DisplayName,
                    x.u.Email,
                    x.u.Department,
                    PatientName = ((p.GivenNames ?? "") + " " + (p.FamilyName ?? "")).Trim(),
                    p.Mrn,
                    p.BirthDate,
                    Roles = db.UserRoles.Where(ur => ur.UserId == x.u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToList(),
                    Reviewer = db.Users.Where(r => r.Id == x.g.ReviewedByUserId).Select(r => r.DisplayName).FirstOrDefault(),
                    Recent = db.BreakGlassAccesses.Count(o => o.UserId == x.g.UserId && o.GrantedAt > x.g.GrantedAt.AddDays(-90) && o.GrantedAt <= x.g.GrantedAt),
                })
                .SingleOrDefaultAsync(token);
            if (row is null)
            {
                return ComplianceErrors.NotFound;
            }

            var g = row.g;
            // The user's own events on this patient while the grant lasted: the user index, bounded by the grant's hours.
            var accesses = await db.AccessEvents.AsNoTracking()
                .Where(e => e.UserId == g.UserId && e.PatientId == g.PatientId && e.OccurredAt >= g.GrantedAt.AddMinutes(-5) && e.OccurredAt <= g.ExpiresAt)
                .OrderBy(e => e.OccurredAt).ThenBy(e => e.Id)
                .Take(500)
                .Select(e => new AccessLogRow(e.Id, e.OccurredAt, e.UserId, e.UserName, e.Roles, e.Action, e.Outcome, e.PatientId, row.PatientName, row.Mrn,
                    e.ResourceType, e.ResourceId, e.Purpose, e.Details, e.ClientIp, e.UserAgent, e.CorrelationId, e.Lane, e.LaneSeq, e.Hash))
                .ToListAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "BreakGlassAccess", g.Id.ToString("D"), g.PatientId,
                Details: $"break-the-glass review; {accesses.Count} access(es) shown"), token);
            return Result<BreakGlassReviewView>.Success(new BreakGlassReviewView(g.Id, g.UserId, row.DisplayName, row.Email!,
                row.Roles.Order(StringComparer.Ordinal).ToList(), row.Department, g.PatientId, row.PatientName, row.Mrn, row.BirthDate, g.ReasonCode,
                BreakGlassReasons.Label(g.ReasonCode) ?? g.ReasonCode, g.ReasonText, g.Attestation, g.GrantedAt, g.ExpiresAt, g.AuditEventId,
                g.Disposition, g.ReviewNotes, g.ReviewedAt, row.Reviewer, g.Version, g.ReviewedAt is null && g.GrantedAt < overdueBefore,
                row.Recent, accesses));
        }, ct);
    }
}

/// <summary>
/// Records the reviewer's disposition of an emergency access, with notes (<see cref="ReviewWorkflow"/>). The access
/// leaves the queue (reviewed_at is set); "needs follow-up" keeps it on the follow-up list for a final decision.
/// </summary>
public sealed class ReviewBreakGlassHandler(HimDbContext db, ReviewWorkflow workflow)
{
    private static readonly ReviewTarget<BreakGlassAccess> Target = new(
        "BreakGlassAccess",
        g => g.Id,
        g => g.UserId,
        g => g.PatientId,
        g => (g.Disposition, g.ReviewedAt, g.ReviewedByUserId, g.ReviewNotes, g.Version),
        (g, disposition, notes, at, by) =>
        {
            g.Disposition = disposition;
            g.ReviewNotes = notes;
            g.ReviewedAt = at;
            g.ReviewedByUserId = by;
        },
        g => g.Version,
        _ => "");

    public Task<Result<string>> HandleAsync(ReviewCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return workflow.ReviewAsync(command, db.BreakGlassAccesses.Where(g => g.Id == command.Id), Target, ct);
    }
}
