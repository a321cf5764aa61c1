using HimPortal.Data.Bulk;
using HimPortal.Data.Clinical;

namespace HimPortal.Application.Intake.ImportBundles;

/// <summary>
/// The record's tables in the order their foreign keys need (a part right after its parent), each with the FHIR type
/// it counts and where a <see cref="RecordSet"/> keeps its rows. Writing, counting and the key checks of a batch all
/// walk this one list.
/// </summary>
internal abstract class RecordTable(string fhirType)
{
    public static readonly IReadOnlyList<RecordTable> All =
    [
        Of("Organization", ClinicalCopyMap.Organizations, s => s.Organizations),
        Of("Location", ClinicalCopyMap.Locations, s => s.Locations),
        Of("Practitioner", ClinicalCopyMap.Practitioners, s => s.Practitioners),
        Of("PractitionerRole", ClinicalCopyMap.PractitionerRoles, s => s.PractitionerRoles),
        Of("Patient", ClinicalCopyMap.Patients, s => s.Patients, ClinicalCopyMap.PatientIdentifiers, s => s.PatientIdentifiers),
        Of("Encounter", ClinicalCopyMap.Encounters, s => s.Encounters, ClinicalCopyMap.EncounterParticipants, s => s.EncounterParticipants),
        Of("Condition", ClinicalCopyMap.Conditions, s => s.Conditions),
        Of("Medication", ClinicalCopyMap.Medications, s => s.Medications),
        Of("MedicationRequest", ClinicalCopyMap.MedicationRequests, s => s.MedicationRequests),
        Of("MedicationAdministration", ClinicalCopyMap.MedicationAdministrations, s => s.MedicationAdministrations),
        Of("Observation", ClinicalCopyMap.Observations, s => s.Observations, ClinicalCopyMap.ObservationComponents, s => s.ObservationComponents),
        Of("DiagnosticReport", ClinicalCopyMap.DiagnosticReports, s => s.DiagnosticReports,
            ClinicalCopyMap.DiagnosticReportResults, s => s.DiagnosticReportResults),
        Of("DocumentReference", ClinicalCopyMap.ClinicalNotes, s => s.ClinicalNotes),
        Of("AllergyIntolerance", ClinicalCopyMap.Allergies, s => s.Allergies),
        Of("Immunization", ClinicalCopyMap.Immunizations, s => s.Immunizations),
        Of("Procedure", ClinicalCopyMap.Procedures, s => s.Procedures),
        Of("ImagingStudy", ClinicalCopyMap.ImagingStudies, s => s.ImagingStudies),
        Of("CareTeam", ClinicalCopyMap.CareTeams, s => s.CareTeams, ClinicalCopyMap.CareTeamMembers, s => s.CareTeamMembers),
        Of("CarePlan", ClinicalCopyMap.CarePlans, s => s.CarePlans),
    ];

    public string FhirType => fhirType;

    public abstract string Qualified { get; }

    public abstract IReadOnlyCollection<ClinicalResource> Rows(RecordSet set);

    /// <summary>Notes the batch's rows for the one look-up of stored hashes.</summary>
    public abstract void LookUp(BulkUpsert bulk, IReadOnlyList<RecordSet> batch);

    /// <summary>Writes the batch's rows of this table (and their parts); returns which keys were inserted and updated.</summary>
    public abstract Task<UpsertResult> WriteAsync(BulkUpsert bulk, IReadOnlyList<RecordSet> batch, CancellationToken ct);

    private static Resources<T> Of<T>(string fhirType, CopyTable<T> table, Func<RecordSet, List<T>> rows)
        where T : ClinicalResource => new(fhirType, table, rows);

    private static WithParts<T, TPart> Of<T, TPart>(
        string fhirType, CopyTable<T> table, Func<RecordSet, List<T>> rows, CopyTable<TPart> parts, Func<RecordSet, List<TPart>> partRows)
        where T : ClinicalResource
        where TPart : ResourcePart => new(fhirType, table, rows, parts, partRows);

    private static List<TRow> Merged<TRow>(IReadOnlyList<RecordSet> batch, Func<RecordSet, List<TRow>> select) =>
        batch.Count == 1 ? select(batch[0]) : [.. batch.SelectMany(select)];

    private class Resources<T>(string fhirType, CopyTable<T> table, Func<RecordSet, List<T>> rows) : RecordTable(fhirType)
        where T : ClinicalResource
    {
        public override string Qualified => table.Qualified;

        public override IReadOnlyCollection<ClinicalResource> Rows(RecordSet set) => rows(set);

        public override void LookUp(BulkUpsert bulk, IReadOnlyList<RecordSet> batch) => bulk.LookUp(table, Merged(batch, rows));

        public override async Task<UpsertResult> WriteAsync(BulkUpsert bulk, IReadOnlyList<RecordSet> batch, CancellationToken ct)
        {
            var result = await bulk.UpsertAsync(table, Merged(batch, rows), ct);
            await WritePartsAsync(bulk, result, batch, ct);
            return result;
        }

        protected virtual Task WritePartsAsync(BulkUpsert bulk, UpsertResult parents, IReadOnlyList<RecordSet> batch, CancellationToken ct) =>
            Task.CompletedTask;
    }

    private sealed class WithParts<T, TPart>(
        string fhirType, CopyTable<T> table, Func<RecordSet, List<T>> rows, CopyTable<TPart> parts, Func<RecordSet, List<TPart>> partRows)
        : Resources<T>(fhirType, table, rows)
        where T : ClinicalResource
        where TPart : ResourcePart
    {
        protected override Task WritePartsAsync(BulkUpsert bulk, UpsertResult parents, IReadOnlyList<RecordSet> batch, CancellationToken ct) =>
            bulk.ReplacePartsAsync(parts, parents, Merged(batch, partRows), ct);
    }
}
