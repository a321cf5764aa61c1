using HimPortal.Application.Access.Sensitivity;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Application.Patients.Persons;
using HimPortal.Data;
using HimPortal.Data.Clinical;
using HimPortal.Data.Documents;
using HimPortal.Data.Roi;
using Microsoft.EntityFrameworkCore;

namespace HimPortal.Application.Roi.Packets;

/// <summary>The kinds of item a packet holds, as stored in roi.packet_items.resource_type.</summary>
public static class PacketItemTypes
{
    public const string Encounter = "Encounter";
    public const string Note = "DocumentReference";
    public const string Report = "DiagnosticReport";
    public const string Scanned = "ScannedDocument";
}

/// <summary>One thing of the patient's record that a release may hold, with what scope and sensitivity need to know.</summary>
public sealed record PacketCandidate(
    string ResourceType,
    Guid Id,
    string Title,
    DateOnly? Date,
    Guid? EncounterId,
    string Section,
    string? Loinc,
    IReadOnlyList<string> Labels);

/// <summary>
/// The candidates of a release: encounters, clinical notes (DocumentReference), diagnostic reports and filed scanned
/// documents of every record of the patient's person (ADR 0015), in force (not entered in error), with their labels in
/// force (the item's own, its encounter's, and the whole record's). Shared by the selection and the HIM copy export.
/// </summary>
public static class PacketCandidates
{
    public static async Task<IReadOnlyList<PacketCandidate>> ReadAsync(HimDbContext db, SensitivityReader sensitivity, HospitalTime hospital,
        Guid patientId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(sensitivity);
        ArgumentNullException.ThrowIfNull(hospital);
        var records = await PersonRecords.OfAsync(db, patientId, ct);
        var encounters = await db.Set<Encounter>().AsNoTracking().Where(e => records.Contains(e.PatientId)).WhereInForce(db)
            .Select(e => new { e.Id, e.PatientId, e.TypeDisplay, e.Class, e.PeriodStart }).ToListAsync(ct);
        var scanned = await (from d in db.Set<ScannedDocument>().AsNoTracking()
                             where d.Status == ScannedDocumentStatus.Filed && d.PatientId != null && records.Contains(d.PatientId.Value)
                             join t in db.Set<DocumentType>() on d.DocumentTypeId equals t.Id into types
                             from t in types.DefaultIfEmpty()
                             select new { d.Id, PatientId = d.PatientId!.Value, d.EncounterId, d.ClinicalNoteId, d.DocumentDate, d.ServiceDate, d.ReceivedAt,
                                 TypeName = t == null ? null : t.Name, Loinc = t == null ? null : t.LoincCode }).ToListAsync(ct);
        var scannedNotes = scanned.Where(s => s.ClinicalNoteId != null).Select(s => s.ClinicalNoteId!.Value).ToHashSet();
        var notes = await db.Set<ClinicalNote>().AsNoTracking().Where(n => records.Contains(n.PatientId)).WhereInForce(db)
            .Select(n => new { n.Id, n.PatientId, n.EncounterId, n.TypeDisplay, n.TypeCode, n.Date }).ToListAsync(ct);
        var reports = await db.Set<DiagnosticReport>().AsNoTracking().Where(r => records.Contains(r.PatientId)).WhereInForce(db)
            .Select(r => new { r.Id, r.PatientId, r.EncounterId, r.Display, r.Code, r.EffectiveAt }).ToListAsync(ct);

        var labels = new Dictionary<(string, Guid), List<string>>();
        var wholeRecord = new Dictionary<Guid, List<string>>();
        foreach (var record in records)
        {
            var read = await sensitivity.ReadAsync(record, null, includeRemoved: false, ct);
            foreach (var label in read.InForce)
            {
                if (label.ResourceType == LabelledItems.Patient)
                {
                    Add(wholeRecord, record, label.LabelCode);
                }
                else
                {
                    Add(labels, (label.ResourceType, label.ResourceId), label.LabelCode);
                }
            }
        }

        List<string> LabelsOf(Guid patient, string type, Guid id, Guid? encounter, Guid? alsoNote = null) =>
        [
            .. (wholeRecord.GetValueOrDefault(patient) ?? [])
                .Concat(labels.GetValueOrDefault((type, id)) ?? [])
                .Concat(alsoNote is { } n ? labels.GetValueOrDefault((LabelledItems.DocumentReference, n)) ?? [] : [])
                .Concat(encounter is { } e ? labels.GetValueOrDefault((LabelledItems.Encounter, e)) ?? [] : [])
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal),
        ];

        DateOnly? Day(DateTimeOffset? at) => at is { } a ? hospital.DayOf(a) : null;

        var result = new List<PacketCandidate>();
        result.AddRange(encounters.Select(e => new PacketCandidate(PacketItemTypes.Encounter, e.Id, $"Encounter: {e.TypeDisplay ?? e.Class}",
            Day(e.PeriodStart), e.Id, "encounters", null, LabelsOf(e.PatientId, LabelledItems.Encounter, e.Id, e.Id))));
        result.AddRange(notes.Where(n => !scannedNotes.Contains(n.Id)).Select(n => new PacketCandidate(PacketItemTypes.Note, n.Id,
            $"Note: {n.TypeDisplay ?? n.TypeCode ?? "clinical note"}", Day(n.Date), n.EncounterId, "documents", n.TypeCode,
            LabelsOf(n.PatientId, LabelledItems.DocumentReference, n.Id, n.EncounterId))));
        result.AddRange(reports.Select(r => new PacketCandidate(PacketItemTypes.Report, r.Id, $"Report: {r.Display ?? r.Code}", Day(r.EffectiveAt),
            r.EncounterId, "lab-results", null, LabelsOf(r.PatientId, LabelledItems.DiagnosticReport, r.Id, r.EncounterId))));
        result.AddRange(scanned.Select(s => new PacketCandidate(PacketItemTypes.Scanned, s.Id, $"Scanned document: {s.TypeName ?? "document"}",
            s.DocumentDate ?? s.ServiceDate ?? Day(s.ReceivedAt), s.EncounterId, "documents", s.Loinc,
            LabelsOf(s.PatientId, PacketItemTypes.Scanned, s.Id, s.EncounterId, s.ClinicalNoteId))));
        return [.. result.OrderBy(c => c.Date ?? DateOnly.MinValue).ThenBy(c => c.ResourceType, StringComparer.Ordinal).ThenBy(c => c.Id)];
    }

    /// <summary>Why a candidate is outside what the request asks for, or null when it is inside.</summary>
    public static string? OutOfScope(ReleaseRequest request, PacketCandidate item)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(item);
        if (request.ScopeKind != ScopeKinds.Specific)
        {
            return null;
        }

        if (item.Date is { } date && ((request.ScopeFrom is { } from && date < from) || (request.ScopeTo is { } to && date > to)))
        {
            return "out of scope: outside the dates asked for";
        }

        if (request.ScopeEncounterIds.Length > 0 && (item.EncounterId is not { } encounter || !request.ScopeEncounterIds.Contains(encounter)))
        {
            return "out of scope: not in the encounters asked for";
        }

        if (request.ScopeDocumentTypes.Length > 0 && item.Section == "documents"
            && (item.Loinc is null || !request.ScopeDocumentTypes.Contains(item.Loinc, StringComparer.Ordinal)))
        {
            return "out of scope: not a document type asked for";
        }

        if (request.ScopeSections.Length > 0 && !request.ScopeSections.Contains(item.Section, StringComparer.Ordinal)
            && !(item.Section == "documents" && request.ScopeSections.Contains("note-text", StringComparer.Ordinal)))
        {
            return "out of scope: not a section asked for";
        }

        return null;
    }

    private static void Add<TKey>(Dictionary<TKey, List<string>> map, TKey key, string value)
        where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list))
        {
            map[key] = list = [];
        }

        list.Add(value);
    }
}
