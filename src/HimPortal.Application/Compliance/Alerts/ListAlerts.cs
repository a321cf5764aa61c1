using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.Monitoring;
using HimPortal.Data;
using HimPortal.Data.Compliance;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Compliance.Alerts;

public enum AlertQueue
{
    /// <summary>Not reviewed yet, oldest first.</summary>
    Open,

    FollowUp,

    /// <summary>With a final disposition, newest review first.</summary>
    Reviewed,
}

public sealed record ListAlertsQuery(AlertQueue Queue = AlertQueue.Open, string? RuleCode = null, string? After = null, int PageSize = 50);

public sealed record AlertItem(
    Guid Id,
    string RuleCode,
    string RuleTitle,
    DateTimeOffset RaisedAt,
    DateTimeOffset FirstEventAt,
    string Summary,
    int EventCount,
    string? UserName,
    Guid? PatientId,
    string? Disposition,
    DateTimeOffset? ReviewedAt,
    bool Overdue);

public sealed record AlertList(IReadOnlyList<AlertItem> Items, string? NextAfter, int OverdueDays);

/// <summary>The alert queue, by rule. The summaries name patients, so the list is audited like a search of the log.</summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class ListAlertsHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IOptions<ComplianceOptions> options, TimeProvider clock) : Handler<ListAlertsQuery, Result<AlertList>>(permissions)
{
    protected override async Task<Result<AlertList>> ExecuteAsync(ListAlertsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);

        if (KeysetCursor.Read(query.After, "open the alerts again", out var after) is { } badLink)
        {
            return badLink;
        }

        if (query.RuleCode is not null && !MonitoringRules.IsKnown(query.RuleCode))
        {
            return Error.Invalid($"There is no rule '{query.RuleCode}'.", "Rule");
        }

        var days = options.Value.ReviewOverdueDays;
        var overdueBefore = clock.GetUtcNow().AddDays(-days);
        var size = Math.Clamp(query.PageSize, 1, 200);
        var alerts = db.PrivacyAlerts.AsNoTracking();
        alerts = query.Queue switch
        {
            AlertQueue.Open => alerts.Where(a => a.ReviewedAt == null),
            AlertQueue.FollowUp => alerts.Where(a => a.Disposition == Dispositions.FollowUp),
            _ => alerts.Where(a => a.ReviewedAt != null && a.Disposition != Dispositions.FollowUp),
        };
        if (query.RuleCode is { } code)
        {
            alerts = alerts.Where(a => a.RuleCode == code);
        }

        var reviewed = query.Queue == AlertQueue.Reviewed;
        if (after is { } c)
        {
            alerts = reviewed
                ? alerts.Where(a => EF.Functions.LessThan(ValueTuple.Create(a.ReviewedAt!.Value, a.Id), ValueTuple.Create(c.At, c.Id)))
                : alerts.Where(a => EF.Functions.GreaterThan(ValueTuple.Create(a.RaisedAt, a.Id), ValueTuple.Create(c.At, c.Id)));
        }

        alerts = reviewed ? alerts.OrderByDescending(a => a.ReviewedAt).ThenByDescending(a => a.Id) : alerts.OrderBy(a => a.RaisedAt).ThenBy(a => a.Id);
        var rows = await db.InTransactionAsync(async token =>
        {
            var page = await alerts.Take(size + 1)
                .Select(a => new { a.Id, a.RuleCode, a.RaisedAt, a.FirstEventAt, a.Summary, a.EventCount, a.UserName, a.PatientId, a.Disposition, a.ReviewedAt })
                .ToListAsync(token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, "PrivacyAlert",
                Details: $"alert list; {query.Queue}{(query.RuleCode is null ? "" : "; rule=" + query.RuleCode)}; {Math.Min(page.Count, size)} shown"), token);
            return page;
        }, ct);
        var items = rows.Take(size).Select(a => new AlertItem(a.Id, a.RuleCode, MonitoringRules.TitleOf(a.RuleCode), a.RaisedAt,
            a.FirstEventAt, a.Summary, a.EventCount, a.UserName, a.PatientId, a.Disposition, a.ReviewedAt,
            a.ReviewedAt is null && a.RaisedAt < overdueBefore)).ToList();
        string? next = null;
        if (rows.Count > size)
        {
            var last = items[^1];
            next = new KeysetCursor(reviewed ? last.ReviewedAt!.Value : last.RaisedAt, last.Id).ToString();
        }

        return Result<AlertList>.Success(new AlertList(items, next, days));
    }
}
