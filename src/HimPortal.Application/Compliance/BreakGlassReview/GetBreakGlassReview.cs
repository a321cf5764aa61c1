using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Access.BreakGlass;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.AccessLog;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Compliance.BreakGlassReview;

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
/// every audited access this user made to this patient under the grant (from its start to its expiry, successes only).
/// Viewing it is audited (it names the patient).
/// </summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class GetBreakGlassReviewHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessAudit audit,
    IOptions<ComplianceOptions> options,
    TimeProvider clock) : Handler<GetBreakGlassReviewQuery, Result<BreakGlassReviewView>>(permissions)
{
    protected override async Task<Result<BreakGlassReviewView>> ExecuteAsync(GetBreakGlassReviewQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);

        var now = clock.GetUtcNow();
        var overdueBefore = now.AddDays(-options.Value.ReviewOverdueDays);
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
                return Error.NotFound();
            }

            var g = row.g;
            // What happened under the grant: the grant's own row and this user's successful events on this patient from the
            // grant until it expired (the user index, bounded by the grant's hours). The refusals that led to it came before
            // it and are not accesses; the patient's log has them.
            var accesses = await db.AccessEvents.AsNoTracking()
                .Where(e => e.UserId == g.UserId && e.PatientId == g.PatientId && e.OccurredAt >= g.GrantedAt.AddSeconds(-1) && e.OccurredAt <= g.ExpiresAt
                            && e.Outcome == AuditOutcome.Success && (e.Id == g.AuditEventId || e.OccurredAt >= g.GrantedAt))
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
