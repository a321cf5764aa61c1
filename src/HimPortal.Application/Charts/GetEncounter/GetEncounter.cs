using HimPortal.Application.Access;
using HimPortal.Application.Charts.GetChart;
using HimPortal.Application.Clinical;
using HimPortal.Application.Clinical.Values;
using HimPortal.Application.Patients;
using HimPortal.Application.Clinical.Results;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Charts.GetEncounter;

public sealed record GetEncounterQuery(Guid PatientId, Guid EncounterId) : IPatientRequest;

public sealed record NoteItem(Guid Id, DateTimeOffset? Date, string? Type, string Status, string? Author, string? Text);

public sealed record EncounterView(
    EncounterItem Encounter,
    IReadOnlyList<string> Participants,
    IReadOnlyList<ProblemItem> Diagnoses,
    IReadOnlyList<ProcedureItem> Procedures,
    IReadOnlyList<MedicationItem> Medications,
    ObservationGroups Results,
    IReadOnlyList<ImagingItem> Imaging,
    IReadOnlyList<NoteItem> Notes);

/// <summary>
/// One encounter opened from the timeline: its diagnoses, procedures, medications, results, imaging and notes (readable).
/// The clinical content of the chart, so only for readers who may see it, with the same access rules and audit. An
/// encounter a correction entered-in-error is not found, and nothing entered-in-error is listed (ADR 0015).
/// </summary>
[RequiresPermission(Permissions.ChartsEncounters)]
public sealed class GetEncounterHandler(PermissionCheck permissions, HimDbContext db, ChartGate gate) : Handler<GetEncounterQuery, ChartRead<EncounterView>>(permissions)
{
    private static readonly ChartSection[] Shown =
    [
        ChartSection.Encounters, ChartSection.Problems, ChartSection.Procedures, ChartSection.Medications, ChartSection.LabResults,
        ChartSection.VitalSigns, ChartSection.OtherObservations, ChartSection.Imaging, ChartSection.NoteText,
    ];

    protected override Task<ChartRead<EncounterView>> ExecuteAsync(GetEncounterQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        return gate.ReadAsync<EncounterView>(query.PatientId, "Encounter", query.EncounterId.ToString("D"), Shown,
            async (entry, token) => (await ReadAsync(entry.Patient, query.EncounterId, token), Shown), ct);
    }

    private async Task<EncounterView?> ReadAsync(PatientHeader patient, Guid encounterId, CancellationToken ct)
    {
        // An encounter of any record of the patient's person (ADR 0015); one of a record outside the person is not found.
        var records = patient.RecordIds;
        var encounter = await db.Set<Encounter>().AsNoTracking()
            .Where(e => e.Id == encounterId && records.Contains(e.PatientId))
            .WhereInForce(db)
            .Select(e => new EncounterItem(e.Id, e.PeriodStart, e.PeriodEnd, e.Class, e.TypeDisplay, e.ReasonDisplay, e.Status,
                db.Set<Organization>().Where(o => o.Id == e.ServiceProviderId).Select(o => o.Name).FirstOrDefault(),
                db.Set<Location>().Where(l => l.Id == e.LocationId).Select(l => l.Name).FirstOrDefault())
            {
                RecordId = e.PatientId,
            })
            .SingleOrDefaultAsync(ct);
        if (encounter is null)
        {
            return null;
        }

        // What hangs off the encounter is in the encounter's own record.
        var patientId = encounter.RecordId;

        var participants = await db.Set<EncounterParticipant>().AsNoTracking()
            .Where(p => p.ParentId == encounterId)
            .OrderBy(p => p.Ordinal)
            .Join(db.Set<Practitioner>(), p => p.PractitionerId, p => p.Id, (_, p) => p.GivenNames + " " + p.FamilyName)
            .ToListAsync(ct);
        var diagnoses = await db.Set<Condition>().AsNoTracking().Where(c => c.EncounterId == encounterId && c.PatientId == patientId).WhereInForce(db)
            .OrderBy(c => c.OnsetAt)
            .Select(c => new ProblemItem(c.Id, c.EncounterId, c.Code, c.Display, c.ClinicalStatus, c.OnsetAt, c.AbatementAt) { RecordId = c.PatientId })
            .ToListAsync(ct);
        var procedures = await db.Set<Procedure>().AsNoTracking().Where(p => p.EncounterId == encounterId && p.PatientId == patientId).WhereInForce(db)
            .OrderBy(p => p.PerformedStart)
            .Select(p => new ProcedureItem(p.Id, p.EncounterId, p.Code, p.Display, p.Status, p.PerformedStart) { RecordId = p.PatientId })
            .ToListAsync(ct);
        var medications = await db.Set<MedicationRequest>().AsNoTracking().Where(m => m.EncounterId == encounterId && m.PatientId == patientId).WhereInForce(db)
            .OrderBy(m => m.AuthoredOn)
            .Select(m => new MedicationItem(m.Id, m.EncounterId,
                m.MedicationDisplay ?? db.Set<Medication>().Where(x => x.Id == m.MedicationId).Select(x => x.Display).FirstOrDefault() ?? m.MedicationCode,
                m.Status, m.AuthoredOn, m.DosageText) { RecordId = m.PatientId })
            .ToListAsync(ct);
        var results = await ObservationReader.ReadAsync(db, o => o.EncounterId == encounterId && o.PatientId == patientId,
            new ResultSubject(patient.Sex, patient.BirthDate), ct);
        var imaging = await db.Set<ImagingStudy>().AsNoTracking().Where(i => i.EncounterId == encounterId && i.PatientId == patientId).WhereInForce(db)
            .OrderBy(i => i.StartedAt)
            .Select(i => new ImagingItem(i.Id, i.EncounterId, i.StartedAt, i.Modality, i.BodySiteDisplay, i.ProcedureDisplay,
                i.SeriesCount, i.InstanceCount, i.StudyUid) { RecordId = i.PatientId })
            .ToListAsync(ct);
        var notes = await db.Set<ClinicalNote>().AsNoTracking().Where(n => n.EncounterId == encounterId && n.PatientId == patientId).WhereInForce(db)
            .OrderBy(n => n.Date)
            .Select(n => new NoteItem(n.Id, n.Date, n.TypeDisplay, n.Status,
                db.Set<Practitioner>().Where(p => p.Id == n.AuthorId).Select(p => p.GivenNames + " " + p.FamilyName).FirstOrDefault(),
                n.Text))
            .ToListAsync(ct);
        return new EncounterView(encounter, participants, diagnoses, procedures, medications, results, imaging, notes);
    }
}
