using System.Text.Json;
using FluentValidation;
using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.Monitoring;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace HimPortal.Application.Compliance.Alerts;

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
[RequiresPermission(Permissions.AuditReview)]
public sealed class GetAlertHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit, IOptions<ComplianceOptions> options, TimeProvider clock) : Handler<GetAlertQuery, Result<AlertView>>(permissions)
{
    protected override async Task<Result<AlertView>> ExecuteAsync(GetAlertQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);

        var overdueBefore = clock.GetUtcNow().AddDays(-options.Value.ReviewOverdueDays);
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
                return Error.NotFound();
            }

            var a = row.Alert;
            var (facts, events) = ReadEvidence(a.Evidence);
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "PrivacyAlert", a.Id.ToString("D"), a.PatientId,
                Details: $"alert {a.RuleCode}; {events.Count} event(s) shown"), token);
            return Result<AlertView>.Success(new AlertView(a.Id, a.RuleCode, MonitoringRules.TitleOf(a.RuleCode), MonitoringRules.DescriptionOf(a.RuleCode), a.Summary, a.RaisedAt,
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
