using HimPortal.Application.Access;
using HimPortal.Application.Charts.GetEncounter;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Charts.ReadNote;

public sealed record ReadNoteQuery(Guid PatientId, Guid NoteId) : IPatientRequest;

public sealed record NoteView(NoteItem Note, Guid? EncounterId, DateTimeOffset? EncounterStart);

/// <summary>One clinical note, readable: a document view, audited with the note's id. A note entered-in-error is not found.</summary>
[RequiresPermission(Permissions.ChartsRead)]
public sealed class ReadNoteHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate) : Handler<ReadNoteQuery, ChartRead<NoteView>>(permissions)
{
    private static readonly ChartSection[] Shown = [ChartSection.NoteText];

    protected override Task<ChartRead<NoteView>> ExecuteAsync(ReadNoteQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return gate.ReadAsync<NoteView>(query.PatientId, "DocumentReference", query.NoteId.ToString("D"), Shown, async (entry, token) =>
        {
            // A note of any record of the patient's person (ADR 0015); one of a record outside it is not found.
            var records = entry.Patient.RecordIds;
            var note = await db.Set<ClinicalNote>().AsNoTracking()
                .Where(n => n.Id == query.NoteId && records.Contains(n.PatientId))
                .WhereInForce(db)
                .Select(n => new NoteView(
                    new NoteItem(n.Id, n.Date, n.TypeDisplay, n.Status,
                        db.Set<Practitioner>().Where(p => p.Id == n.AuthorId).Select(p => p.GivenNames + " " + p.FamilyName).FirstOrDefault(),
                        n.Text),
                    n.EncounterId,
                    db.Set<Encounter>().Where(e => e.Id == n.EncounterId).Select(e => e.PeriodStart).FirstOrDefault()))
                .SingleOrDefaultAsync(token);
            return (note, Shown);
        }, ct);
    }
}
