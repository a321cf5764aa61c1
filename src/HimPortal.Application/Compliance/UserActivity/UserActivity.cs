using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.AccessLog;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Compliance.UserActivity;

/// <summary>The ready view "what did user Y access": their last <paramref name="Days"/> days, patients first, then the events.</summary>
public sealed record UserActivityQuery(Guid UserId, int Days = 30, string? After = null, int PageSize = 50);

public sealed record UserSummary(
    Guid Id,
    string Email,
    string DisplayName,
    IReadOnlyList<string> Roles,
    string? Department,
    bool Locked,
    DateTimeOffset? LastSignInAt);

/// <summary>One patient the user touched in the period.</summary>
/// <param name="BreakGlass">Distinct break-the-glass grants (not the views made under them).</param>
public sealed record UserPatient(Guid PatientId, string? Name, string? Mrn, long Events, long Denied, long BreakGlass, DateTimeOffset First, DateTimeOffset Last);

public sealed record UserActivityReport(
    UserSummary User,
    DateOnly From,
    DateOnly To,
    long Events,
    IReadOnlyList<UserPatient> Patients,
    AccessLogPage Page);

[RequiresPermission(Permissions.AuditReview)]
public sealed class UserActivityHandler(
    PermissionCheck permissions,
    HimDbContext db,
    AccessLogReader reader,
    AccessAudit audit,
    HospitalTime hospital,
    TimeProvider clock) : Handler<UserActivityQuery, Result<UserActivityReport>>(permissions)
{
    protected override async Task<Result<UserActivityReport>> ExecuteAsync(UserActivityQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);

        if (query.Days is < 1 or > 3660)
        {
            return Error.Invalid("Give a period of 1 to 3660 days.", "Days");
        }

        if (KeysetCursor.Read(query.After, "open the user's activity again", out var after) is { } badLink)
        {
            return badLink;
        }

        var now = clock.GetUtcNow();
        var to = hospital.DayOf(now);
        var from = to.AddDays(1 - query.Days);
        var start = hospital.StartOf(from);
        return await db.InTransactionAsync<Result<UserActivityReport>>(async token =>
        {
            var user = await db.Users.AsNoTracking().Where(u => u.Id == query.UserId)
                .Select(u => new
                {
                    u.Id,
                    u.Email,
                    u.DisplayName,
                    u.Department,
                    u.LockoutEnd,
                    u.LastSignInAt,
                    Roles = db.UserRoles.Where(ur => ur.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).ToList(),
                })
                .SingleOrDefaultAsync(token);
            if (user is null)
            {
                return Error.NotFound();
            }

            var window = db.AccessEvents.AsNoTracking().Where(e => e.UserId == query.UserId && e.OccurredAt >= start);
            var total = await window.LongCountAsync(token);
            var touched = await window.Where(e => e.PatientId != null)
                .GroupBy(e => e.PatientId!.Value)
                .Select(g => new
                {
                    PatientId = g.Key,
                    Events = g.LongCount(),
                    Denied = g.LongCount(e => e.Outcome == AuditOutcome.Denied),
                    // Grants, not events: one emergency access and the views made under it are one break-the-glass.
                    BreakGlass = g.Where(e => e.Action == AuditAction.BreakGlass && e.Outcome == AuditOutcome.Success)
                        .Select(e => e.ResourceId).Distinct().LongCount(),
                    First = g.Min(e => e.OccurredAt),
                    Last = g.Max(e => e.OccurredAt),
                })
                .OrderByDescending(p => p.Last)
                .Take(500)
                .ToListAsync(token);
            var ids = touched.Select(t => t.PatientId).ToList();
            var names = await db.Set<Patient>().AsNoTracking().Where(p => ids.Contains(p.Id))
                .Select(p => new { p.Id, Name = ((p.GivenNames ?? "") + " " + (p.FamilyName ?? "")).Trim(), p.Mrn })
                .ToDictionaryAsync(p => p.Id, token);
            var patients = touched.Select(t => new UserPatient(t.PatientId, names.GetValueOrDefault(t.PatientId)?.Name,
                names.GetValueOrDefault(t.PatientId)?.Mrn, t.Events, t.Denied, t.BreakGlass, t.First, t.Last)).ToList();
            var page = await reader.PageAsync(new AccessLogFilter(UserId: query.UserId, From: from, To: to), after, query.PageSize, token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, "AccessLog",
                Details: $"what the user accessed; user={query.UserId:D}; last {query.Days} day(s); {patients.Count} patient(s); {page.Rows.Count} event(s) shown"
                         + (after is null ? "" : "; next page")), token);
            var summary = new UserSummary(user.Id, user.Email!, user.DisplayName, user.Roles.Order(StringComparer.Ordinal).ToList(), user.Department,
                user.LockoutEnd > now, user.LastSignInAt);
            return Result<UserActivityReport>.Success(new UserActivityReport(summary, from, to, total, patients, page));
        }, ct);
    }
}
