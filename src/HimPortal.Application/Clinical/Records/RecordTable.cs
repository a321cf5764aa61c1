using HimPortal.Data.Bulk;

namespace HimPortal.Application.Clinical.Records;

/// <summary>
/// The record's tables in the order their foreign keys need (a part right after its parent), each with the FHIR type
/// it counts and where a <see cref="RecordSet"/> keeps its rows. Writing, counting and the key checks of a batch all
/// walk this one list.
/// </summary>
internal sealed class RecordTable(
    string fhirType,
    CopyTable table,
    Func<RecordSet, IResourceRows> rows,
    CopyTable? partTable = null,
    Func<RecordSet, IPartRows>? parts = null,
    bool shared = false)
{
    public static readonly IReadOnlyList<RecordTable> All =
    [
        new("Organization", ClinicalCopyMap.Organizations, s => s.Organizations, shared: true),
        new("Location", ClinicalCopyMap.Locations, s => s.Locations, shared: true),
        new("Practitioner", ClinicalCopyMap.Practitioners, s => s.Practitioners, shared: true),
        new("PractitionerRole", ClinicalCopyMap.PractitionerRoles, s => s.PractitionerRoles, shared: true),
        new("Patient", ClinicalCopyMap.Patients, s => s.Patients, ClinicalCopyMap.PatientIdentifiers, s => s.PatientIdentifiers),
        new("Encounter", ClinicalCopyMap.Encounters, s => s.Encounters, ClinicalCopyMap.EncounterParticipants, s => s.EncounterParticipants),
        new("Condition", ClinicalCopyMap.Conditions, s => s.Conditions),
        new("Medication", ClinicalCopyMap.Medications, s => s.Medications, shared: true),
        new("MedicationRequest", ClinicalCopyMap.MedicationRequests, s => s.MedicationRequests),
        new("MedicationAdministration", ClinicalCopyMap.MedicationAdministrations, s => s.MedicationAdministrations),
        new("Observation", ClinicalCopyMap.Observations, s => s.Observations, ClinicalCopyMap.ObservationComponents, s => s.ObservationComponents),
        new("DiagnosticReport", ClinicalCopyMap.DiagnosticReports, s => s.DiagnosticReports,
            ClinicalCopyMap.DiagnosticReportResults, s => s.DiagnosticReportResults),
        new("DocumentReference", ClinicalCopyMap.ClinicalNotes, s => s.ClinicalNotes),
        new("AllergyIntolerance", ClinicalCopyMap.Allergies, s => s.Allergies),
        new("Immunization", ClinicalCopyMap.Immunizations, s => s.Immunizations),
        new("Procedure", ClinicalCopyMap.Procedures, s => s.Procedures),
        new("ImagingStudy", ClinicalCopyMap.ImagingStudies, s => s.ImagingStudies),
        new("CareTeam", ClinicalCopyMap.CareTeams, s => s.CareTeams, ClinicalCopyMap.CareTeamMembers, s => s.CareTeamMembers),
        new("CarePlan", ClinicalCopyMap.CarePlans, s => s.CarePlans),
    ];

    public string FhirType => fhirType;

    /// <summary>Rows that every patient's record may refer to (master data), not one patient's own.</summary>
    public bool Shared => shared;

    public string Qualified => table.Qualified;

    /// <summary>The table and its columns (<see cref="ClinicalCopyMap"/>, generated from the EF Core model).</summary>
    public CopyTable Table => table;

    /// <summary>The table of this resource's parts (participants, components, results, members), if it has one.</summary>
    public CopyTable? PartTable => partTable;

    public IResourceRows Rows(RecordSet set) => rows(set);

    /// <summary>Every row container of this table in <paramref name="set"/>, the parts' included.</summary>
    public IEnumerable<IDisposable> RowsOf(RecordSet set) => parts is null ? [rows(set)] : [rows(set), parts(set)];

    /// <summary>Notes the batch's rows for the one look-up of stored hashes.</summary>
    public void LookUp(BulkUpsert bulk, IReadOnlyList<RecordSet> batch) => bulk.LookUp(table, batch.Select(rows));

    /// <summary>Writes the batch's rows of this table (and their parts): one COPY for all its bundles; returns which keys were inserted and updated.</summary>
    public async Task<UpsertResult> WriteAsync(BulkUpsert bulk, IReadOnlyList<RecordSet> batch, CancellationToken ct)
    {
        var result = await bulk.UpsertAsync(table, [.. batch.Select(rows)], ct);
        if (partTable is not null && parts is not null)
        {
            await bulk.ReplacePartsAsync(partTable, result, [.. batch.Select(parts)], ct);
        }

        return result;
    }
}
