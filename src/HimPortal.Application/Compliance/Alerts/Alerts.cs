using System.Text.Json;
using FluentValidation;
using HimPortal.Application.Auditing;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.AccessLog;
using HimPortal.Application.Compliance.Monitoring;
using HimPortal.Application.Compliance.Reviews;
using HimPortal.Application.Security;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Compliance;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

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
public sealed class ListAlertsHandler(HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, IConfiguration configuration, TimeProvider clock)
{
    public async Task<Result<AlertList>> HandleAsync(ListAlertsQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!RolePermissions.Grants(actors.Current.Roles, Permissions.AuditReview))
        {
            return ComplianceErrors.NotPermitted;
        }

        if (AccessLogCursor.Read(query.After, "open the alerts again", out var after) is { } badLink)
        {
            return badLink;
        }

        if (query.RuleCode is not null && MonitoringRules.Find(query.RuleCode) is null)
        {
            return new Error("invalid", $"There is no rule '{query.RuleCode}'.", "Rule");
        }

        var days = ReviewRules.OverdueDays(configuration);
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
                ? alerts.Where(a => EF.Functions.LessThan(ValueTuple.Create(a.ReviewedAt!.Value, a.Id), ValueTuple.Create(c.OccurredAt, c.Id)))
                : alerts.Where(a => EF.Functions.GreaterThan(ValueTuple.Create(a.RaisedAt, a.Id), ValueTuple.Create(c.OccurredAt, c.Id)));
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
        var items = rows.Take(size).Select(a => new AlertItem(a.Id, a.RuleCode, MonitoringRules.Find(a.RuleCode)?.Title ?? a.RuleCode, a.RaisedAt,
            a.FirstEventAt, a.Summary, a.EventCount, a.UserName, a.PatientId, a.Disposition, a.ReviewedAt,
            a.ReviewedAt is null && a.RaisedAt < overdueBefore)).ToList();
        string? next = null;
        if (rows.Count > size)
        {
            var last = items[^1];
            next = new AccessLogCursor(reviewed ? last.ReviewedAt!.Value : last.RaisedAt, last.Id).ToString();
        }

        return Result<AlertList>.Success(new AlertList(items, next, days));
    }
}

public sealed record GetAlertQuery(Guid Id);

public sealed record AlertFact(string Name, string Value);

public sealed record AlertEvent(Guid Id, DateTimeOffset At, string Action, string Outcome, string? Resource, string? ResourceId, string? Purpose, string? Details);

public sealed record AlertView(
    Guid Id,
    string RuleCode,
    string RuleTitle,
    string RuleDescription,
    string Summary,
    DateTimeOffset RaisedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset FirstEventAt,
    DateTimeOffset LastEventAt,
    int EventCount,
    Guid? UserId,
    string? UserName,
    string? UserDepartment,
    Guid? PatientId,
    string? PatientName,
    string? PatientMrn,
    IReadOnlyList<AlertFact> Facts,
    IReadOnlyList<AlertEvent> Events,
    string? Disposition,
    string? ReviewNotes,
    DateTimeOffset? ReviewedAt,
    string? ReviewerName,
    uint Version,
    bool Overdue);

/// <summary>An alert with its evidence (the facts the rule matched on and the events). Viewing it is audited.</summary>
public sealed class GetAlertHandler(HimDbContext db, AccessAudit audit, IAuditActorAccessor actors, IConfiguration configuration, TimeProvider clock)
{
    public async Task<Result<AlertView>> HandleAsync(GetAlertQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!RolePermissions.Grants(actors.Current.Roles, Permissions.AuditReview))
        {
            return ComplianceErrors.NotPermitted;
        }

        var overdueBefore = clock.GetUtcNow().AddDays(-ReviewRules.OverdueDays(configuration));
        return await db.InTransactionAsync<Result<AlertView>>(async token =>
        {
            var row = await db.PrivacyAlerts.AsNoTracking().Where(a => a.Id == query.Id)
                .Select(a => new
                {
                    Alert = a,
                    Department = db.Users.Where(u => u.Id == a.UserId).Select(u => u.Department).FirstOrDefault(),
                    Reviewer = db.Users.Where(u => u.Id == a.ReviewedByUserId).Select(u => u.DisplayName).FirstOrDefault(),
                    Patient = db.Set<Patient>().Where(p => p.Id == a.PatientId)
                        .Select(p => new { Name = ((p.GivenNames ?? "") + " " + (p.FamilyName ?? "")).Trim(), p.Mrn }).FirstOrDefault(),
                })
                .SingleOrDefaultAsync(token);
            if (row is null)
            {
                return ComplianceErrors.NotFound;
            }

            var a = row.Alert;
            var rule = MonitoringRules.Find(a.RuleCode);
            var (facts, events) = ReadEvidence(a.Evidence);
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "PrivacyAlert", a.Id.ToString("D"), a.PatientId,
                Details: $"alert {a.RuleCode}; {events.Count} event(s) shown"), token);
            return Result<AlertView>.Success(new AlertView(a.Id, a.RuleCode, rule?.Title ?? a.RuleCode, rule?.Description ?? "", a.Summary, a.RaisedAt,
                a.UpdatedAt, a.FirstEventAt, a.LastEventAt, a.EventCount, a.UserId, a.UserName, row.Department, a.PatientId, row.Patient?.Name,
                row.Patient?.Mrn, facts, events, a.Disposition, a.ReviewNotes, a.ReviewedAt, row.Reviewer, a.Version,
                a.ReviewedAt is null && a.RaisedAt < overdueBefore));
        }, ct);
    }

    private static (IReadOnlyList<AlertFact> Facts, IReadOnlyList<AlertEvent> Events) ReadEvidence(string json)
    {
        using var document = JsonDocument.Parse(json);
        var facts = new List<AlertFact>();
        if (document.RootElement.TryGetProperty("facts", out var f) && f.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in f.EnumerateObject())
            {
                facts.Add(new AlertFact(property.Name, property.Value.ValueKind switch
                {
                    JsonValueKind.String => property.Value.GetString() ?? "",
                    JsonValueKind.Null => "—",
                    JsonValueKind.True => "yes",
                    JsonValueKind.False => "no",
                    _ => property.Value.GetRawText(),
                }));
            }
        }

        var events = new List<AlertEvent>();
        if (document.RootElement.TryGetProperty("events", out var e) && e.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in e.EnumerateArray())
            {
                events.Add(new AlertEvent(item.GetProperty("id").GetGuid(), item.GetProperty("at").GetDateTimeOffset(), Text(item, "action") ?? "",
                    Text(item, "outcome") ?? "", Text(item, "resource"), Text(item, "resourceId"), Text(item, "purpose"), Text(item, "details")));
            }
        }

        return (facts, events);
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>
/// Records the reviewer's disposition of an alert, with notes (<see cref="ReviewWorkflow"/>): the same rules as a
/// break-the-glass review. An open alert that gained evidence since the reviewer opened it is reviewed again.
/// </summary>
public sealed class ReviewAlertHandler(HimDbContext db, ReviewWorkflow workflow)
{
    private static readonly ReviewTarget<PrivacyAlert> Target = new(
        "PrivacyAlert",
        a => a.Id,
        a => a.UserId,
        a => a.PatientId,
        a => (a.Disposition, a.ReviewedAt, a.ReviewedByUserId, a.ReviewNotes, a.Version),
        (a, disposition, notes, at, by) =>
        {
            a.Disposition = disposition;
            a.ReviewNotes = notes;
            a.ReviewedAt = at;
            a.ReviewedByUserId = by;
        },
        a => a.Version,
        a => $"alert {a.RuleCode}; ",
        _ => new Error("conflict", "New evidence was added to this alert after you opened it. Reload it and review it again; your review was not saved."));

    public Task<Result<string>> HandleAsync(ReviewCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        return workflow.ReviewAsync(command, db.PrivacyAlerts.Where(a => a.Id == command.Id), Target, ct);
    }
}
