using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Portal.WhoLooked;

public sealed record ListWhoLookedQuery(Guid PatientId, string? After = null, int PageSize = 25) : IPatientRequest;

/// <summary>One access in plain words, and whether this account has flagged it.</summary>
/// <param name="Name">The staff member's name, or null when the hospital shows only roles (PortalSettings.ShowStaffNames).</param>
public sealed record AccessEntry(Guid EventId, DateTimeOffset At, string? Name, string Role, string? Department, string Sentence, bool Emergency, bool Flagged);

public sealed record AccessEntries(IReadOnlyList<AccessEntry> Items, string? Next, bool NamesShown);

/// <summary>
/// "Who looked at my chart" (issue 19 item 7): the staff who opened or acted on any of the person's records, newest first,
/// keyset paged, in the hospital's time zone, with their role then and their department, and their name when the hospital
/// shows names. The person's own reads, their representative's, and the system's jobs are left out (<see cref="WhoLooked"/>).
/// Through the gate with the patient-self purpose; the view is itself audited (not shown back: it is the patient's own).
/// </summary>
[RequiresPermission(Permissions.PortalSelf)]
public sealed class ListWhoLookedHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate, AccessAudit audit, IAuditActorAccessor actors,
    HospitalTime hospital, TimeProvider time) : Handler<ListWhoLookedQuery, Result<AccessEntries>>(permissions)
{
    public const string ResourceType = "AccessLog";

    protected override async Task<Result<AccessEntries>> ExecuteAsync(ListWhoLookedQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (KeysetCursor.Read(query.After, "open the list again", out var after) is { } badLink)
        {
            return badLink;
        }

        var size = Math.Clamp(query.PageSize, 1, 100);
        return await db.InTransactionAsync<Result<AccessEntries>>(async token =>
        {
            var entry = await PortalDoor.OpenAsync(gate, audit, query.PatientId, AuditAction.View, ResourceType, null, "access", token);
            if (entry is null)
            {
                return Error.NotFound("There is no such record.");
            }

            var events = WhoLooked.Of(db, entry.Patient.RecordIds);
            if (after is { } c)
            {
                events = events.Where(e => EF.Functions.LessThan(ValueTuple.Create(e.OccurredAt, e.Id), ValueTuple.Create(c.At, c.Id)));
            }

            var userId = actors.Current.UserId ?? Guid.Empty;
            var rows = await events.AsNoTracking().OrderByDescending(e => e.OccurredAt).ThenByDescending(e => e.Id).Take(size + 1)
                .Select(e => new
                {
                    e.Id,
                    e.OccurredAt,
                    e.Action,
                    e.Purpose,
                    e.Roles,
                    User = db.Users.Where(u => u.Id == e.UserId).Select(u => new { u.DisplayName, u.Department }).FirstOrDefault(),
                    Flagged = db.AccessFlags.Any(f => f.AuditEventId == e.Id && f.FlaggedByUserId == userId),
                })
                .ToListAsync(token);
            var names = await db.PortalSettings.AsNoTracking().Select(s => (bool?)s.ShowStaffNames).FirstOrDefaultAsync(token) ?? true;
            var thisYear = hospital.Local(time.GetUtcNow()).Year;
            var items = rows.Take(size).Select(r =>
            {
                var local = hospital.Local(r.OccurredAt);
                var name = names ? r.User?.DisplayName : null;
                var role = WhoLooked.RoleWords(r.Roles);
                var why = WhoLooked.Why(r.Action, r.Purpose);
                return new AccessEntry(r.Id, local, name, role, r.User?.Department, WhoLooked.Sentence(name, role, r.User?.Department, r.Action, why, local, thisYear,
                    entry.Proxy is not null), why == "emergency access", r.Flagged);
            }).ToList();
            var next = rows.Count > size ? new KeysetCursor(rows[size - 1].OccurredAt, rows[size - 1].Id).ToString() : null;
            await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, ResourceType, null, entry.Patient.Id, "PATRQT",
                $"portal.access; {items.Count} access(es) shown; names {(names ? "shown" : "hidden")}; {PortalDoor.Reader(entry)}"), token);
            return Result<AccessEntries>.Success(new AccessEntries(items, next, names));
        }, ct);
    }
}
