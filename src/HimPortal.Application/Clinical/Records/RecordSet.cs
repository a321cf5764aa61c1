using HimPortal.Data.Bulk;
using HimPortal.Data.Clinical;

namespace HimPortal.Application.Clinical.Records;

/// <summary>
/// Everything one bundle adds to the record, by table, each row encoded for binary COPY as the mapper adds it (see
/// <see cref="CopyBuffer"/>); dispose to return the buffers.
/// </summary>
internal sealed class RecordSet : IDisposable
{
    public ResourceRows<Organization> Organizations { get; } = new(ClinicalCopyMap.Organizations);
    public ResourceRows<Location> Locations { get; } = new(ClinicalCopyMap.Locations);
    public ResourceRows<Practitioner> Practitioners { get; } = new(ClinicalCopyMap.Practitioners);
    public ResourceRows<PractitionerRole> PractitionerRoles { get; } = new(ClinicalCopyMap.PractitionerRoles);
    public ResourceRows<Patient> Patients { get; } = new(ClinicalCopyMap.Patients);
    public PartRows<PatientIdentifier> PatientIdentifiers { get; } = new(ClinicalCopyMap.PatientIdentifiers);
    public ResourceRows<Encounter> Encounters { get; } = new(ClinicalCopyMap.Encounters);
    public PartRows<EncounterParticipant> EncounterParticipants { get; } = new(ClinicalCopyMap.EncounterParticipants);
    public ResourceRows<Condition> Conditions { get; } = new(ClinicalCopyMap.Conditions);
    public ResourceRows<Medication> Medications { get; } = new(ClinicalCopyMap.Medications);
    public ResourceRows<MedicationRequest> MedicationRequests { get; } = new(ClinicalCopyMap.MedicationRequests);
    public ResourceRows<MedicationAdministration> MedicationAdministrations { get; } = new(ClinicalCopyMap.MedicationAdministrations);
    public ResourceRows<Observation> Observations { get; } = new(ClinicalCopyMap.Observations);
    public PartRows<ObservationComponent> ObservationComponents { get; } = new(ClinicalCopyMap.ObservationComponents);
    public ResourceRows<DiagnosticReport> DiagnosticReports { get; } = new(ClinicalCopyMap.DiagnosticReports);
    public PartRows<DiagnosticReportResult> DiagnosticReportResults { get; } = new(ClinicalCopyMap.DiagnosticReportResults);
    public ResourceRows<ClinicalNote> ClinicalNotes { get; } = new(ClinicalCopyMap.ClinicalNotes);
    public ResourceRows<AllergyIntolerance> Allergies { get; } = new(ClinicalCopyMap.Allergies);
    public ResourceRows<Immunization> Immunizations { get; } = new(ClinicalCopyMap.Immunizations);
    public ResourceRows<Procedure> Procedures { get; } = new(ClinicalCopyMap.Procedures);
    public ResourceRows<ImagingStudy> ImagingStudies { get; } = new(ClinicalCopyMap.ImagingStudies);
    public ResourceRows<CareTeam> CareTeams { get; } = new(ClinicalCopyMap.CareTeams);
    public PartRows<CareTeamMember> CareTeamMembers { get; } = new(ClinicalCopyMap.CareTeamMembers);
    public ResourceRows<CarePlan> CarePlans { get; } = new(ClinicalCopyMap.CarePlans);

    /// <summary>Where the rows came from (the bundle's file name) and when it was read: what a conflict records.</summary>
    public string Origin { get; set; } = "";

    public DateTimeOffset ReadAt { get; set; }

    /// <summary>Each resource's place in its bundle, by key: what a refusal names.</summary>
    public Dictionary<Guid, RecordSource> Sources { get; } = [];

    /// <summary>The set's patients as a clerk knows them (FHIR id, MRN), by key.</summary>
    public Dictionary<Guid, (string FhirId, string? Mrn)> PatientLabels { get; } = [];

    /// <summary>Identifiers of the practitioners, organizations and locations, for the run's master-data index.</summary>
    public List<(string Type, string System, string Value, Guid Key)> MasterData { get; } = [];

    public void Dispose()
    {
        foreach (var rows in RecordTable.All.SelectMany(t => t.RowsOf(this)))
        {
            rows.Dispose();
        }
    }
}

/// <summary>A resource's entry in its bundle: index, FHIR type and id.</summary>
internal readonly record struct RecordSource(int Entry, string Type, string FhirId)
{
    public override string ToString() => $"entry {Entry} ({Type}/{FhirId})";
}
