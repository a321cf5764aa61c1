using HimPortal.Application.Charts.GetEncounter;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Charts.ReadNote;

public sealed record ReadNoteQuery(Guid PatientId, Guid NoteId);

public sealed record NoteView(NoteItem Note, Guid? EncounterId, DateTimeOffset? EncounterStart);

/// <summary>One clinical note, readable: a document view, audited with the note's id.</summary>
public sealed class ReadNoteHandler(HimDbContext db, ChartGate gate)
{
    private static readonly ChartSection[] Shown = [ChartSection.NoteText];

    public Task<ChartRead<NoteView>> HandleAsync(ReadNoteQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return gate.ReadAsync<NoteView>(query.PatientId, "DocumentReference", query.NoteId.ToString("D"), Shown, async (_, token) =>
        {
            var note = await db.Set<ClinicalNote>().AsNoTracking()
                .Where(n => n.Id == query.NoteId && n.PatientId == query.PatientId)
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
