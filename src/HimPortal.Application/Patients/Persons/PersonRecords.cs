using HimPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Patients.Persons;

/// <summary>
/// The records of one person (ADR 0015): a patient record's live links, or the record alone when it is in no person.
/// Every reader that shows a person (the chart, search, the gate's facts, the access log) asks here, so that linking
/// changes what they show and unlinking restores it.
/// </summary>
public static class PersonRecords
{
    /// <summary>
    /// The ids of every record of <paramref name="patientId"/>'s person, <paramref name="patientId"/> first, then the others
    /// in id order. Just <paramref name="patientId"/> when it is in no person (or no such record: callers decide that).
    /// </summary>
    public static async Task<Guid[]> OfAsync(HimDbContext db, Guid patientId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var others = await Query(db, patientId).Where(id => id != patientId).OrderBy(id => id).ToListAsync(ct);
        return [patientId, .. others];
    }

    /// <summary>The same as a query, to compose into a larger one (one round trip): the ids of the person's records, or none when unlinked.</summary>
    public static IQueryable<Guid> Query(HimDbContext db, Guid patientId)
    {
        ArgumentNullException.ThrowIfNull(db);
        var person = db.PersonLinks.Where(l => l.PatientId == patientId && l.UnlinkedAt == null).Select(l => l.PersonId);
        return db.PersonLinks.Where(l => l.UnlinkedAt == null && person.Contains(l.PersonId)).Select(l => l.PatientId);
    }
}
