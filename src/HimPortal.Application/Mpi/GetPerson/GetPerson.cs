using HimPortal.Application.Access;
using HimPortal.Application.Audit;
using HimPortal.Application.Common;
using HimPortal.Application.Patients.Persons;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Mpi.GetPerson;

public sealed record GetPersonQuery(Guid PatientId) : IPatientRequest;

/// <summary>A record of the person, with the live link that holds it there (none when the record is in no person).</summary>
public sealed record PersonRecord(Guid Id, string Name, string? Mrn, DateOnly? BirthDate, string? Sex, PersonLinkView? Link);

/// <summary>One link, live or closed: who made it, when and why, and when, by whom and why it was closed.</summary>
public sealed record PersonLinkView(
    long Id,
    Guid PersonId,
    Guid PatientId,
    string? PatientMrn,
    long? PairId,
    DateTimeOffset LinkedAt,
    string LinkedBy,
    string Reason,
    DateTimeOffset? UnlinkedAt,
    string? UnlinkedBy,
    string? UnlinkReason);

/// <param name="Records">The patient's record first, then the person's other records.</param>
/// <param name="History">Every link these records or their person ever had, newest first (closed links stay: nothing is deleted).</param>
public sealed record PersonView(Guid PatientId, Guid? PersonId, IReadOnlyList<PersonRecord> Records, IReadOnlyList<PersonLinkView> History)
{
    public bool IsLinked => PersonId is not null;
}

/// <summary>
/// The person a record belongs to (issue 16 item 4): its records (<see cref="PersonRecords"/>), each live link's who, when
/// and why, and the history of closed links. Audited as a view of each record listed.
/// </summary>
[RequiresPermission(Permissions.MpiReview)]
public sealed class GetPersonHandler(PermissionCheck permissions, HimDbContext db, AccessAudit audit) : Handler<GetPersonQuery, Result<PersonView>>(permissions)
{
    protected override async Task<Result<PersonView>> ExecuteAsync(GetPersonQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await db.InTransactionAsync<Result<PersonView>>(async token =>
        {
            if (!await db.Set<Patient>().AnyAsync(p => p.Id == query.PatientId, token))
            {
                return Error.NotFound("There is no such patient record.");
            }

            var ids = await PersonRecords.OfAsync(db, query.PatientId, token);
            // The links of these records and of every person they were ever in (a closed link names its old person).
            var persons = db.PersonLinks.Where(l => ids.Contains(l.PatientId)).Select(l => l.PersonId);
            var links = await db.PersonLinks.AsNoTracking().Where(l => persons.Contains(l.PersonId))
                .OrderByDescending(l => l.LinkedAt).ThenByDescending(l => l.Id)
                .Select(l => new PersonLinkView(l.Id, l.PersonId, l.PatientId,
                    db.Set<Patient>().Where(p => p.Id == l.PatientId).Select(p => p.Mrn).FirstOrDefault(), l.PairId, l.LinkedAt,
                    db.Users.Where(u => u.Id == l.LinkedByUserId).Select(u => u.DisplayName).FirstOrDefault() ?? "the matcher (automatic link)",
                    l.Reason, l.UnlinkedAt,
                    db.Users.Where(u => u.Id == l.UnlinkedByUserId).Select(u => u.DisplayName).FirstOrDefault(), l.UnlinkReason))
                .ToListAsync(token);
            var patients = await db.Set<Patient>().AsNoTracking().Where(p => ids.Contains(p.Id))
                .Select(p => new { p.Id, p.GivenNames, p.FamilyName, p.Mrn, p.BirthDate, p.Sex }).ToListAsync(token);
            var records = ids.Select(id => patients.Single(p => p.Id == id)).Select(p => new PersonRecord(p.Id,
                    $"{p.GivenNames} {p.FamilyName}".Trim() is { Length: > 0 } name ? name : "(no name recorded)", p.Mrn, p.BirthDate, p.Sex,
                    links.FirstOrDefault(l => l.PatientId == p.Id && l.UnlinkedAt is null)))
                .ToList();
            var person = records[0].Link?.PersonId;
            foreach (var record in records)
            {
                await audit.RecordAsync(new AuditRecord(AuditAction.View, AuditOutcome.Success, "Person", person?.ToString("D") ?? record.Id.ToString("D"),
                    record.Id, "HOPERAT", $"person's records and links; opened from record {query.PatientId:D}; records={records.Count}"), token);
            }

            return Result<PersonView>.Success(new PersonView(query.PatientId, person, records, links));
        }, ct);
    }
}
