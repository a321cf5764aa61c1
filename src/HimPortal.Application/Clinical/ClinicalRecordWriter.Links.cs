using HimPortal.Data;
using HimPortal.Data.Mpi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Clinical;

/// <summary>What a link says about itself: who made it (null for the matcher), why, and the pair whose decision it is.</summary>
public sealed record LinkReason(Guid? UserId, string Reason, long? PairId);

public sealed partial class ClinicalRecordWriter
{
    /// <summary>
    /// Links two patient records as one person (ADR 0015), in the caller's transaction: no clinical row changes, a link row
    /// per record that joins. When either record is already in a person the other joins it; when both are, the second
    /// person's records move into the first (their links closed with the reason and opened again under the first person,
    /// so every step stays on record). Bumps the version of every record of the person, so that kept charts of any of them
    /// are read again. Returns the person's id.
    /// </summary>
    public static async Task<Guid> LinkAsync(HimDbContext db, Guid recordA, Guid recordB, LinkReason why, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(why);
        if (recordA == recordB)
        {
            throw new ArgumentException("A record is not linked to itself.", nameof(recordB));
        }

        // Lock the live links of both records (and of their persons) in one order, so two reviewers cannot link crosswise.
        var live = await LiveLinksForUpdateAsync(db, [recordA, recordB], ct);
        var personA = live.FirstOrDefault(l => l.PatientId == recordA)?.PersonId;
        var personB = live.FirstOrDefault(l => l.PatientId == recordB)?.PersonId;
        var person = personA ?? personB ?? Guid.NewGuid();
        if (personA is not null && personA == personB)
        {
            return person;
        }

        var joining = new List<Guid>();
        if (personA is not null && personB is not null)
        {
            foreach (var moved in live.Where(l => l.PersonId == personB))
            {
                moved.UnlinkedAt = now;
                moved.UnlinkedByUserId = why.UserId;
                moved.UnlinkReason = $"joined person {person:D}";
                joining.Add(moved.PatientId);
            }
        }
        else
        {
            joining.AddRange(new[] { recordA, recordB }.Where(r => live.All(l => l.PatientId != r)));
        }

        // The closed links go first: the partial unique index allows one live link per record.
        await db.SaveChangesAsync(ct);
        foreach (var record in joining)
        {
            db.PersonLinks.Add(new PersonLink
            {
                PersonId = person, PatientId = record, PairId = why.PairId, LinkedAt = now, LinkedByUserId = why.UserId, Reason = why.Reason,
            });
        }

        await db.SaveChangesAsync(ct);
        await BumpAsync(db, await RecordsOfPersonAsync(db, person, ct), ct);
        return person;
    }

    /// <summary>
    /// Takes <paramref name="record"/> out of its person, in the caller's transaction: its link is closed with the reason
    /// (never deleted); when one record is left, that link is closed too (a person of one is just a record). Nothing
    /// clinical moves, so each record reads exactly as it did before it was linked. Bumps the versions of every record the
    /// person held. Returns the records the person held, or none when the record was in no person.
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> UnlinkAsync(HimDbContext db, Guid record, LinkReason why, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(why);
        var live = await LiveLinksForUpdateAsync(db, [record], ct);
        var own = live.FirstOrDefault(l => l.PatientId == record);
        if (own is null)
        {
            return [];
        }

        var held = live.Where(l => l.PersonId == own.PersonId).ToList();
        var closing = held.Count <= 2 ? held : [own];
        foreach (var link in closing)
        {
            link.UnlinkedAt = now;
            link.UnlinkedByUserId = why.UserId;
            link.UnlinkReason = link == own ? why.Reason : $"the last other record left the person: {why.Reason}";
        }

        await db.SaveChangesAsync(ct);
        var records = held.Select(l => l.PatientId).ToList();
        await BumpAsync(db, records, ct);
        return records;
    }

    /// <summary>
    /// The live links of the persons <paramref name="records"/> belong to, locked FOR UPDATE in id order. The persons are
    /// found first, once (ARRAY(subquery) is an InitPlan): as a semi-join, the plan auto-prepared while person_links was
    /// still empty was a nested loop over every live link for each live link, so a scan auto-linking thousands of pairs
    /// in one transaction spent 0.1–0.8 s per link here (docs/benchmarks/mpi.md).
    /// </summary>
    private static Task<List<PersonLink>> LiveLinksForUpdateAsync(HimDbContext db, Guid[] records, CancellationToken ct) =>
        db.PersonLinks.FromSql($"""
                SELECT * FROM mpi.person_links
                WHERE unlinked_at IS NULL
                  AND person_id = ANY(ARRAY(SELECT person_id FROM mpi.person_links WHERE unlinked_at IS NULL AND patient_id = ANY({records})))
                ORDER BY id FOR UPDATE
                """)
            .ToListAsync(ct);

    private static Task<List<Guid>> RecordsOfPersonAsync(HimDbContext db, Guid person, CancellationToken ct) =>
        db.PersonLinks.Where(l => l.PersonId == person && l.UnlinkedAt == null).Select(l => l.PatientId).ToListAsync(ct);
}
