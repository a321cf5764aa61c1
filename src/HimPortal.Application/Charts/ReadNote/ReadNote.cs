using HimPortal.Application.Charts.GetEncounter;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Charts.ReadNote;

public sealed record ReadNoteQuery(Guid PatientId, Guid NoteId);

public sealed record NoteView(NoteItem Note, Guid? EncounterId, DateTimeOffset? EncounterStart);

/// <summary>One clinical note, readable: a document view, audited with the note's id.</summary>
public sealed class ReadNoteHandler(HimDbContext db, ChartGate gate)
{
    public async Task<ChartRead<NoteView>> HandleAsync(ReadNoteQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return await db.InTransactionAsync(async token =>
        {
            var entry = await gate.OpenAsync(query.PatientId, token);
            if (entry is null)
            {
                return ChartRead<NoteView>.NotFound();
            }

            var resourceId = query.NoteId.ToString("D");
            if (!entry.Access.Shows(ChartSection.NoteText))
            {
                var refused = entry.Access.IsGranted ? entry.Refuse("role may not read notes") : entry;
                await gate.RecordDenialAsync(refused, "DocumentReference", resourceId, token);
                return ChartRead<NoteView>.Refused(refused);
            }

            var note = await db.Set<ClinicalNote>().AsNoTracking()
                .Where(n => n.Id == query.NoteId && n.PatientId == query.PatientId)
                .Select(n => new NoteView(
                    new NoteItem(n.Id, n.Date, n.TypeDisplay, n.Status,
                        db.Set<Practitioner>().Where(p => p.Id == n.AuthorId).Select(p => p.GivenNames + " " + p.FamilyName).FirstOrDefault(),
                        n.Text),
                    n.EncounterId,
                    db.Set<Encounter>().Where(e => e.Id == n.EncounterId).Select(e => e.PeriodStart).FirstOrDefault()))
                .SingleOrDefaultAsync(token);
            if (note is null)
            {
                return ChartRead<NoteView>.NotFound(entry);
            }

            await gate.RecordViewAsync(entry, "DocumentReference", resourceId, [ChartSection.NoteText], token);
            return ChartRead<NoteView>.Shown(entry, note);
        }, ct);
    }
}
