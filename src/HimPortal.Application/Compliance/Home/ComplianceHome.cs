using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Compliance;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Compliance.Home;

public sealed record ComplianceHomeQuery;

public sealed record RuleAlertCount(string RuleCode, int Open);

public sealed record ComplianceHome(
    int BreakGlassUnreviewed,
    int BreakGlassOverdue,
    int BreakGlassFollowUp,
    int AlertsOpen,
    int AlertsOverdue,
    IReadOnlyList<RuleAlertCount> OpenByRule,
    int OverdueDays,
    DateTimeOffset? LastMonitoringRun,
    ChainVerification? LastVerification,
    DateTimeOffset? PartitionsUntil);

/// <summary>
/// The compliance officer's home: what waits for review and what is overdue (counts from partial indexes on the open
/// items), when the rules last ran, the last chain verification, and how far ahead the audit's months are ready.
/// Counts only, no patient data: not audited.
/// </summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class ComplianceHomeHandler(PermissionCheck permissions, HimDbContext db, IOptions<ComplianceOptions> options, TimeProvider clock) : Handler<ComplianceHomeQuery, Result<ComplianceHome>>(permissions)
{
    protected override async Task<Result<ComplianceHome>> ExecuteAsync(ComplianceHomeQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);

        var days = options.Value.ReviewOverdueDays;
        var overdueBefore = clock.GetUtcNow().AddDays(-days);
        var glass = await db.BreakGlassAccesses.AsNoTracking()
            .GroupBy(_ => 1)
            .Select(g => new
            {
                Unreviewed = g.Count(b => b.ReviewedAt == null),
                Overdue = g.Count(b => b.ReviewedAt == null && b.GrantedAt < overdueBefore),
                FollowUp = g.Count(b => b.Disposition == Dispositions.FollowUp),
            })
            .FirstOrDefaultAsync(ct);
        var open = await db.PrivacyAlerts.AsNoTracking()
            .Where(a => a.ReviewedAt == null || a.Disposition == Dispositions.FollowUp)
            .GroupBy(a => a.RuleCode)
            .Select(g => new { Rule = g.Key, Open = g.Count(), Overdue = g.Count(a => a.ReviewedAt == null && a.RaisedAt < overdueBefore) })
            .ToListAsync(ct);
        var lastRun = await db.MonitoringRuns.AsNoTracking().OrderByDescending(r => r.StartedAt).Select(r => (DateTimeOffset?)r.FinishedAt).FirstOrDefaultAsync(ct);
        var lastVerification = await db.ChainVerifications.AsNoTracking().OrderByDescending(v => v.RequestedAt).FirstOrDefaultAsync(ct);
        var until = await DatabaseMigrator.AuditPartitionsUntilAsync(db, ct);
        return Result<ComplianceHome>.Success(new ComplianceHome(glass?.Unreviewed ?? 0, glass?.Overdue ?? 0, glass?.FollowUp ?? 0,
            open.Sum(o => o.Open), open.Sum(o => o.Overdue), open.Select(o => new RuleAlertCount(o.Rule, o.Open)).OrderBy(o => o.RuleCode).ToList(),
            days, lastRun, lastVerification, until));
    }
}
