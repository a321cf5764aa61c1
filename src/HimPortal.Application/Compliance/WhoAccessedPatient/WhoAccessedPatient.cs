using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.AccessLog;
using HimPortal.Application.Patients;
using HimPortal.Application.Patients.Persons;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Compliance.WhoAccessedPatient;

/// <summary>The ready view "who accessed patient X": everyone who touched the record, then the events, newest first.</summary>
public sealed record WhoAccessedPatientQuery(Guid PatientId, string? After = null, int PageSize = 50) : IPatientRequest;

public sealed record PatientSummary(Guid Id, string Name, string? Mrn, DateOnly? BirthDate, bool Deceased, bool Vip, bool Employee, string? EmployeeDepartment)
{
    /// <summary>The other records of the patient's person (ADR 0015), whose accesses the report includes; none when unlinked.</summary>
    public IReadOnlyList<PersonRecord> Linked { get; init; } = [];
}

/// <summary>One person's accesses to the patient: how often, when, and on what grounds.</summary>
/// <param name="BreakGlass">Distinct break-the-glass grants (not the views made under them).</param>
public sealed record PatientAccessor(
    Guid? UserId,
    string? UserName,
    string[] Roles,
    long Events,
    long Views,
    long Denied,
    long BreakGlass,
    DateTimeOffset First,
    DateTimeOffset Last);

public sealed record WhoAccessedPatientReport(PatientSummary Patient, IReadOnlyList<PatientAccessor> Accessors, AccessLogPage Events);

/// <summary>
/// Answers "who looked at this patient's record?". One query groups the patient's whole history by user (served by the
/// patient index); the events come from the access log's keyset query. The review is audited like any search of the log.
/// </summary>
[RequiresPermission(Permissions.AuditReview)]
public sealed class WhoAccessedPatientHandler(PermissionCheck permissions, HimDbContext db, AccessLogReader reader, AccessAudit audit) : Handler<WhoAccessedPatientQuery, Result<WhoAccessedPatientReport>>(permissions)
{
    protected override async Task<Result<WhoAccessedPatientReport>> ExecuteAsync(WhoAccessedPatientQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);

        if (KeysetCursor.Read(query.After, "open the patient's access history again", out var after) is { } badLink)
        {
            return badLink;
        }

        return await db.InTransactionAsync<Result<WhoAccessedPatientReport>>(async token =>
        {
            var patient = await db.Set<Patient>().AsNoTracking().Where(p => p.Id == query.PatientId)
                .Select(p => new PatientSummary(p.Id, ((p.GivenNames ?? "") + " " + (p.FamilyName ?? "")).Trim(), p.Mrn, p.BirthDate, p.Deceased,
                    db.PatientRestrictions.Any(r => r.PatientId == p.Id && r.Vip),
                    db.PatientRestrictions.Any(r => r.PatientId == p.Id && r.Employee),
                    db.PatientRestrictions.Where(r => r.PatientId == p.Id).Select(r => r.EmployeeDepartment).FirstOrDefault()))
                .SingleOrDefaultAsync(token);
            if (patient is null)
            {
                return Error.NotFound();
            }

            // The accesses of the patient's person are those under any of its records (ADR 0015): each audit row names the
            // record it was written for, and the events list says which.
            var records = await PersonRecords.OfAsync(db, query.PatientId, token);
            if (records.Length > 1)
            {
                var others = records.Skip(1).ToList();
                patient = patient with
                {
                    Linked = await db.Set<Patient>().AsNoTracking().Where(p => others.Contains(p.Id)).OrderBy(p => p.Id)
                        .Select(p => new PersonRecord(p.Id, p.Mrn)).ToListAsync(token),
                };
            }

            // Grouped by account only, so the patient index (which carries user, action, outcome and purpose) answers it alone.
            var events = records.Length == 1 ? db.AccessEvents.Where(e => e.PatientId == query.PatientId)
                : db.AccessEvents.Where(e => e.PatientId != null && records.Contains(e.PatientId.Value));
            var accessors = await events.AsNoTracking()
                .GroupBy(e => e.UserId)
                .Select(g => new
                {
                    UserId = g.Key,
                    Events = g.LongCount(),
                    Views = g.LongCount(e => e.Action == AuditAction.View && e.Outcome == AuditOutcome.Success),
                    Denied = g.LongCount(e => e.Outcome == AuditOutcome.Denied),
                    // Grants, not events: one emergency access and the views made under it are one break-the-glass.
                    BreakGlass = g.Where(e => e.Action == AuditAction.BreakGlass && e.Outcome == AuditOutcome.Success)
                        .Select(e => e.ResourceId).Distinct().LongCount(),
                    First = g.Min(e => e.OccurredAt),
                    Last = g.Max(e => e.OccurredAt),
                })
                .OrderByDescending(a => a.Last)
                .Take(500)
                .ToListAsync(token);
            var people = await PeopleAsync(accessors.Where(a => a.UserId is not null).Select(a => a.UserId!.Value).ToList(), token);
            var page = await reader.PageAsync(new AccessLogFilter(PatientId: query.PatientId), after, query.PageSize, token);
            await audit.RecordAsync(new AuditRecord(AuditAction.Search, AuditOutcome.Success, "AccessLog", PatientId: query.PatientId,
                Details: $"who accessed the patient; {accessors.Count} user(s); {page.Rows.Count} event(s) shown" + (after is null ? "" : "; next page")), token);
            return Result<WhoAccessedPatientReport>.Success(new WhoAccessedPatientReport(patient,
                accessors.Select(a => a.UserId is { } id && people.TryGetValue(id, out var person)
                        ? new PatientAccessor(id, person.Name, person.Roles, a.Events, a.Views, a.Denied, a.BreakGlass, a.First, a.Last)
                        : new PatientAccessor(a.UserId, "(no account)", [], a.Events, a.Views, a.Denied, a.BreakGlass, a.First, a.Last)).ToList(),
                page));
        }, ct);
    }

    /// <summary>The accounts' names (e-mail) and current roles, in two queries for however many people.</summary>
    private async Task<Dictionary<Guid, (string Name, string[] Roles)>> PeopleAsync(List<Guid> users, CancellationToken ct)
    {
        var roles = (await db.UserRoles.AsNoTracking().Where(ur => users.Contains(ur.UserId))
                .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
                .ToListAsync(ct))
            .ToLookup(x => x.UserId, x => x.Name!);
        return await db.Users.AsNoTracking().Where(u => users.Contains(u.Id))
            .Select(u => new { u.Id, u.Email })
            .ToDictionaryAsync(u => u.Id, u => (u.Email ?? u.Id.ToString(), roles[u.Id].Order(StringComparer.Ordinal).ToArray()), ct);
    }
}
