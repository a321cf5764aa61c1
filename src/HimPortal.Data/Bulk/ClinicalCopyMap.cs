using HimPortal.Data.Clinical;
using NpgsqlTypes;

namespace HimPortal.Data.Bulk;

/// <summary>
/// The clinical tables as the import's binary COPY writes them. Generated from the EF Core model by
/// tests/HimPortal.Tests/Data/ClinicalCopyMapTests.cs (which fails when the model changes; regenerate with
/// HIMPORTAL_REGENERATE_COPY_MAP=1 bash scripts/test.sh --filter ClinicalCopyMap): the import then starts without
/// building the model, which costs more than importing a small bundle. Do not edit by hand.
/// </summary>
public static class ClinicalCopyMap
{
    public static readonly CopyTable<AllergyIntolerance> Allergies = new("clinical", "allergies",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("category", static (w, r) => w.WriteOrNull(r.Category, NpgsqlDbType.Text)),
        new("clinical_status", static (w, r) => w.WriteOrNull(r.ClinicalStatus, NpgsqlDbType.Text)),
        new("code", static (w, r) => w.Write(r.Code, NpgsqlDbType.Text)),
        new("criticality", static (w, r) => w.WriteOrNull(r.Criticality, NpgsqlDbType.Text)),
        new("display", static (w, r) => w.WriteOrNull(r.Display, NpgsqlDbType.Text)),
        new("encounter_id", static (w, r) => w.WriteValueOrNull(r.EncounterId, NpgsqlDbType.Uuid)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("patient_id", static (w, r) => w.Write(r.PatientId, NpgsqlDbType.Uuid)),
        new("recorded_at", static (w, r) => w.WriteValueOrNull(r.RecordedAt, NpgsqlDbType.TimestampTz)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
        new("type", static (w, r) => w.WriteOrNull(r.Type, NpgsqlDbType.Text)),
        new("verification_status", static (w, r) => w.WriteOrNull(r.VerificationStatus, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<CarePlan> CarePlans = new("clinical", "care_plans",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("activities", static (w, r) => w.WriteOrNull(r.Activities, NpgsqlDbType.Text)),
        new("care_team_id", static (w, r) => w.WriteValueOrNull(r.CareTeamId, NpgsqlDbType.Uuid)),
        new("category_code", static (w, r) => w.WriteOrNull(r.CategoryCode, NpgsqlDbType.Text)),
        new("category_display", static (w, r) => w.WriteOrNull(r.CategoryDisplay, NpgsqlDbType.Text)),
        new("encounter_id", static (w, r) => w.WriteValueOrNull(r.EncounterId, NpgsqlDbType.Uuid)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("intent", static (w, r) => w.WriteOrNull(r.Intent, NpgsqlDbType.Text)),
        new("patient_id", static (w, r) => w.Write(r.PatientId, NpgsqlDbType.Uuid)),
        new("period_end", static (w, r) => w.WriteValueOrNull(r.PeriodEnd, NpgsqlDbType.TimestampTz)),
        new("period_start", static (w, r) => w.WriteValueOrNull(r.PeriodStart, NpgsqlDbType.TimestampTz)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
        new("status", static (w, r) => w.Write(r.Status, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<CareTeamMember> CareTeamMembers = new("clinical", "care_team_members",
    [
        new("parent_id", static (w, r) => w.Write(r.ParentId, NpgsqlDbType.Uuid)),
        new("ordinal", static (w, r) => w.Write(r.Ordinal, NpgsqlDbType.Smallint)),
        new("organization_id", static (w, r) => w.WriteValueOrNull(r.OrganizationId, NpgsqlDbType.Uuid)),
        new("patient_id", static (w, r) => w.Write(r.PatientId, NpgsqlDbType.Uuid)),
        new("practitioner_id", static (w, r) => w.WriteValueOrNull(r.PractitionerId, NpgsqlDbType.Uuid)),
        new("role_code", static (w, r) => w.WriteOrNull(r.RoleCode, NpgsqlDbType.Text)),
        new("role_display", static (w, r) => w.WriteOrNull(r.RoleDisplay, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<CareTeam> CareTeams = new("clinical", "care_teams",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("encounter_id", static (w, r) => w.WriteValueOrNull(r.EncounterId, NpgsqlDbType.Uuid)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("managing_organization_id", static (w, r) => w.WriteValueOrNull(r.ManagingOrganizationId, NpgsqlDbType.Uuid)),
        new("name", static (w, r) => w.WriteOrNull(r.Name, NpgsqlDbType.Text)),
        new("patient_id", static (w, r) => w.Write(r.PatientId, NpgsqlDbType.Uuid)),
        new("period_end", static (w, r) => w.WriteValueOrNull(r.PeriodEnd, NpgsqlDbType.TimestampTz)),
        new("period_start", static (w, r) => w.WriteValueOrNull(r.PeriodStart, NpgsqlDbType.TimestampTz)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
        new("status", static (w, r) => w.WriteOrNull(r.Status, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<ClinicalNote> ClinicalNotes = new("clinical", "clinical_notes",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("author_id", static (w, r) => w.WriteValueOrNull(r.AuthorId, NpgsqlDbType.Uuid)),
        new("content_type", static (w, r) => w.WriteOrNull(r.ContentType, NpgsqlDbType.Text)),
        new("custodian_id", static (w, r) => w.WriteValueOrNull(r.CustodianId, NpgsqlDbType.Uuid)),
        new("date", static (w, r) => w.WriteValueOrNull(r.Date, NpgsqlDbType.TimestampTz)),
        new("encounter_id", static (w, r) => w.WriteValueOrNull(r.EncounterId, NpgsqlDbType.Uuid)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("patient_id", static (w, r) => w.Write(r.PatientId, NpgsqlDbType.Uuid)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
        new("status", static (w, r) => w.Write(r.Status, NpgsqlDbType.Text)),
        new("text", static (w, r) => w.WriteOrNull(r.Text, NpgsqlDbType.Text)),
        new("type_code", static (w, r) => w.WriteOrNull(r.TypeCode, NpgsqlDbType.Text)),
        new("type_display", static (w, r) => w.WriteOrNull(r.TypeDisplay, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<Condition> Conditions = new("clinical", "conditions",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("abatement_at", static (w, r) => w.WriteValueOrNull(r.AbatementAt, NpgsqlDbType.TimestampTz)),
        new("category", static (w, r) => w.WriteOrNull(r.Category, NpgsqlDbType.Text)),
        new("clinical_status", static (w, r) => w.WriteOrNull(r.ClinicalStatus, NpgsqlDbType.Text)),
        new("code", static (w, r) => w.Write(r.Code, NpgsqlDbType.Text)),
        new("code_system", static (w, r) => w.WriteOrNull(r.CodeSystem, NpgsqlDbType.Text)),
        new("display", static (w, r) => w.WriteOrNull(r.Display, NpgsqlDbType.Text)),
        new("encounter_id", static (w, r) => w.WriteValueOrNull(r.EncounterId, NpgsqlDbType.Uuid)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("onset_at", static (w, r) => w.WriteValueOrNull(r.OnsetAt, NpgsqlDbType.TimestampTz)),
        new("patient_id", static (w, r) => w.Write(r.PatientId, NpgsqlDbType.Uuid)),
        new("recorded_at", static (w, r) => w.WriteValueOrNull(r.RecordedAt, NpgsqlDbType.TimestampTz)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
        new("verification_status", static (w, r) => w.WriteOrNull(r.VerificationStatus, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<DiagnosticReportResult> DiagnosticReportResults = new("clinical", "diagnostic_report_results",
    [
        new("parent_id", static (w, r) => w.Write(r.ParentId, NpgsqlDbType.Uuid)),
        new("ordinal", static (w, r) => w.Write(r.Ordinal, NpgsqlDbType.Smallint)),
        new("observation_id", static (w, r) => w.Write(r.ObservationId, NpgsqlDbType.Uuid)),
    ]);

    public static readonly CopyTable<DiagnosticReport> DiagnosticReports = new("clinical", "diagnostic_reports",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("category", static (w, r) => w.WriteOrNull(r.Category, NpgsqlDbType.Text)),
        new("code", static (w, r) => w.Write(r.Code, NpgsqlDbType.Text)),
        new("display", static (w, r) => w.WriteOrNull(r.Display, NpgsqlDbType.Text)),
        new("effective_at", static (w, r) => w.WriteValueOrNull(r.EffectiveAt, NpgsqlDbType.TimestampTz)),
        new("encounter_id", static (w, r) => w.WriteValueOrNull(r.EncounterId, NpgsqlDbType.Uuid)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("issued_at", static (w, r) => w.WriteValueOrNull(r.IssuedAt, NpgsqlDbType.TimestampTz)),
        new("patient_id", static (w, r) => w.Write(r.PatientId, NpgsqlDbType.Uuid)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
        new("status", static (w, r) => w.Write(r.Status, NpgsqlDbType.Text)),
        new("text", static (w, r) => w.WriteOrNull(r.Text, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<EncounterParticipant> EncounterParticipants = new("clinical", "encounter_participants",
    [
        new("parent_id", static (w, r) => w.Write(r.ParentId, NpgsqlDbType.Uuid)),
        new("ordinal", static (w, r) => w.Write(r.Ordinal, NpgsqlDbType.Smallint)),
        new("patient_id", static (w, r) => w.Write(r.PatientId, NpgsqlDbType.Uuid)),
        new("period_end", static (w, r) => w.WriteValueOrNull(r.PeriodEnd, NpgsqlDbType.TimestampTz)),
        new("period_start", static (w, r) => w.WriteValueOrNull(r.PeriodStart, NpgsqlDbType.TimestampTz)),
        new("practitioner_id", static (w, r) => w.Write(r.PractitionerId, NpgsqlDbType.Uuid)),
        new("type_code", static (w, r) => w.WriteOrNull(r.TypeCode, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<Encounter> Encounters = new("clinical", "encounters",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("class", static (w, r) => w.Write(r.Class, NpgsqlDbType.Text)),
        new("discharge_disposition", static (w, r) => w.WriteOrNull(r.DischargeDisposition, NpgsqlDbType.Text)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("location_id", static (w, r) => w.WriteValueOrNull(r.LocationId, NpgsqlDbType.Uuid)),
        new("patient_id", static (w, r) => w.Write(r.PatientId, NpgsqlDbType.Uuid)),
        new("period_end", static (w, r) => w.WriteValueOrNull(r.PeriodEnd, NpgsqlDbType.TimestampTz)),
        new("period_start", static (w, r) => w.WriteValueOrNull(r.PeriodStart, NpgsqlDbType.TimestampTz)),
        new("reason_code", static (w, r) => w.WriteOrNull(r.ReasonCode, NpgsqlDbType.Text)),
        new("reason_display", static (w, r) => w.WriteOrNull(r.ReasonDisplay, NpgsqlDbType.Text)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("service_provider_id", static (w, r) => w.WriteValueOrNull(r.ServiceProviderId, NpgsqlDbType.Uuid)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
        new("status", static (w, r) => w.Write(r.Status, NpgsqlDbType.Text)),
        new("type_code", static (w, r) => w.WriteOrNull(r.TypeCode, NpgsqlDbType.Text)),
        new("type_display", static (w, r) => w.WriteOrNull(r.TypeDisplay, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<ImagingStudy> ImagingStudies = new("clinical", "imaging_studies",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("body_site_code", static (w, r) => w.WriteOrNull(r.BodySiteCode, NpgsqlDbType.Text)),
        new("body_site_display", static (w, r) => w.WriteOrNull(r.BodySiteDisplay, NpgsqlDbType.Text)),
        new("encounter_id", static (w, r) => w.WriteValueOrNull(r.EncounterId, NpgsqlDbType.Uuid)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("instance_count", static (w, r) => w.Write(r.InstanceCount, NpgsqlDbType.Integer)),
        new("modality", static (w, r) => w.WriteOrNull(r.Modality, NpgsqlDbType.Text)),
        new("patient_id", static (w, r) => w.Write(r.PatientId, NpgsqlDbType.Uuid)),
        new("procedure_code", static (w, r) => w.WriteOrNull(r.ProcedureCode, NpgsqlDbType.Text)),
        new("procedure_display", static (w, r) => w.WriteOrNull(r.ProcedureDisplay, NpgsqlDbType.Text)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("series_count", static (w, r) => w.Write(r.SeriesCount, NpgsqlDbType.Integer)),
        new("series_uids", static (w, r) => w.Write(r.SeriesUids, NpgsqlDbType.Array | NpgsqlDbType.Text)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
        new("started_at", static (w, r) => w.WriteValueOrNull(r.StartedAt, NpgsqlDbType.TimestampTz)),
        new("status", static (w, r) => w.Write(r.Status, NpgsqlDbType.Text)),
        new("study_uid", static (w, r) => w.WriteOrNull(r.StudyUid, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<Immunization> Immunizations = new("clinical", "immunizations",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("display", static (w, r) => w.WriteOrNull(r.Display, NpgsqlDbType.Text)),
        new("encounter_id", static (w, r) => w.WriteValueOrNull(r.EncounterId, NpgsqlDbType.Uuid)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("occurred_at", static (w, r) => w.WriteValueOrNull(r.OccurredAt, NpgsqlDbType.TimestampTz)),
        new("patient_id", static (w, r) => w.Write(r.PatientId, NpgsqlDbType.Uuid)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
        new("status", static (w, r) => w.Write(r.Status, NpgsqlDbType.Text)),
        new("vaccine_code", static (w, r) => w.Write(r.VaccineCode, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<Location> Locations = new("clinical", "locations",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("city", static (w, r) => w.WriteOrNull(r.City, NpgsqlDbType.Text)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("identifier_system", static (w, r) => w.WriteOrNull(r.IdentifierSystem, NpgsqlDbType.Text)),
        new("identifier_value", static (w, r) => w.WriteOrNull(r.IdentifierValue, NpgsqlDbType.Text)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("name", static (w, r) => w.Write(r.Name, NpgsqlDbType.Text)),
        new("organization_id", static (w, r) => w.WriteValueOrNull(r.OrganizationId, NpgsqlDbType.Uuid)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
        new("state", static (w, r) => w.WriteOrNull(r.State, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<MedicationAdministration> MedicationAdministrations = new("clinical", "medication_administrations",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("effective_at", static (w, r) => w.WriteValueOrNull(r.EffectiveAt, NpgsqlDbType.TimestampTz)),
        new("encounter_id", static (w, r) => w.WriteValueOrNull(r.EncounterId, NpgsqlDbType.Uuid)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("medication_code", static (w, r) => w.WriteOrNull(r.MedicationCode, NpgsqlDbType.Text)),
        new("medication_display", static (w, r) => w.WriteOrNull(r.MedicationDisplay, NpgsqlDbType.Text)),
        new("medication_id", static (w, r) => w.WriteValueOrNull(r.MedicationId, NpgsqlDbType.Uuid)),
        new("patient_id", static (w, r) => w.Write(r.PatientId, NpgsqlDbType.Uuid)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
        new("status", static (w, r) => w.Write(r.Status, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<MedicationRequest> MedicationRequests = new("clinical", "medication_requests",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("authored_on", static (w, r) => w.WriteValueOrNull(r.AuthoredOn, NpgsqlDbType.TimestampTz)),
        new("dosage_text", static (w, r) => w.WriteOrNull(r.DosageText, NpgsqlDbType.Text)),
        new("encounter_id", static (w, r) => w.WriteValueOrNull(r.EncounterId, NpgsqlDbType.Uuid)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("intent", static (w, r) => w.WriteOrNull(r.Intent, NpgsqlDbType.Text)),
        new("medication_code", static (w, r) => w.WriteOrNull(r.MedicationCode, NpgsqlDbType.Text)),
        new("medication_display", static (w, r) => w.WriteOrNull(r.MedicationDisplay, NpgsqlDbType.Text)),
        new("medication_id", static (w, r) => w.WriteValueOrNull(r.MedicationId, NpgsqlDbType.Uuid)),
        new("patient_id", static (w, r) => w.Write(r.PatientId, NpgsqlDbType.Uuid)),
        new("reason_code", static (w, r) => w.WriteOrNull(r.ReasonCode, NpgsqlDbType.Text)),
        new("requester_id", static (w, r) => w.WriteValueOrNull(r.RequesterId, NpgsqlDbType.Uuid)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
        new("status", static (w, r) => w.Write(r.Status, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<Medication> Medications = new("clinical", "medications",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("code", static (w, r) => w.WriteOrNull(r.Code, NpgsqlDbType.Text)),
        new("display", static (w, r) => w.WriteOrNull(r.Display, NpgsqlDbType.Text)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
        new("status", static (w, r) => w.WriteOrNull(r.Status, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<ObservationComponent> ObservationComponents = new("clinical", "observation_components",
    [
        new("parent_id", static (w, r) => w.Write(r.ParentId, NpgsqlDbType.Uuid)),
        new("ordinal", static (w, r) => w.Write(r.Ordinal, NpgsqlDbType.Smallint)),
        new("code", static (w, r) => w.Write(r.Code, NpgsqlDbType.Text)),
        new("display", static (w, r) => w.WriteOrNull(r.Display, NpgsqlDbType.Text)),
        new("value_code", static (w, r) => w.WriteOrNull(r.ValueCode, NpgsqlDbType.Text)),
        new("value_display", static (w, r) => w.WriteOrNull(r.ValueDisplay, NpgsqlDbType.Text)),
        new("value_quantity", static (w, r) => w.WriteValueOrNull(r.ValueQuantity, NpgsqlDbType.Numeric)),
        new("value_string", static (w, r) => w.WriteOrNull(r.ValueString, NpgsqlDbType.Text)),
        new("value_unit", static (w, r) => w.WriteOrNull(r.ValueUnit, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<Observation> Observations = new("clinical", "observations",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("category", static (w, r) => w.WriteOrNull(r.Category, NpgsqlDbType.Text)),
        new("code", static (w, r) => w.Write(r.Code, NpgsqlDbType.Text)),
        new("code_system", static (w, r) => w.WriteOrNull(r.CodeSystem, NpgsqlDbType.Text)),
        new("display", static (w, r) => w.WriteOrNull(r.Display, NpgsqlDbType.Text)),
        new("effective_at", static (w, r) => w.WriteValueOrNull(r.EffectiveAt, NpgsqlDbType.TimestampTz)),
        new("encounter_id", static (w, r) => w.WriteValueOrNull(r.EncounterId, NpgsqlDbType.Uuid)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("flag", static (w, r) => w.WriteOrNull(r.Flag, NpgsqlDbType.Text)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("patient_id", static (w, r) => w.Write(r.PatientId, NpgsqlDbType.Uuid)),
        new("reference_high", static (w, r) => w.WriteValueOrNull(r.ReferenceHigh, NpgsqlDbType.Numeric)),
        new("reference_low", static (w, r) => w.WriteValueOrNull(r.ReferenceLow, NpgsqlDbType.Numeric)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
        new("status", static (w, r) => w.Write(r.Status, NpgsqlDbType.Text)),
        new("value_code", static (w, r) => w.WriteOrNull(r.ValueCode, NpgsqlDbType.Text)),
        new("value_display", static (w, r) => w.WriteOrNull(r.ValueDisplay, NpgsqlDbType.Text)),
        new("value_quantity", static (w, r) => w.WriteValueOrNull(r.ValueQuantity, NpgsqlDbType.Numeric)),
        new("value_string", static (w, r) => w.WriteOrNull(r.ValueString, NpgsqlDbType.Text)),
        new("value_unit", static (w, r) => w.WriteOrNull(r.ValueUnit, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<Organization> Organizations = new("clinical", "organizations",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("city", static (w, r) => w.WriteOrNull(r.City, NpgsqlDbType.Text)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("identifier_system", static (w, r) => w.WriteOrNull(r.IdentifierSystem, NpgsqlDbType.Text)),
        new("identifier_value", static (w, r) => w.WriteOrNull(r.IdentifierValue, NpgsqlDbType.Text)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("name", static (w, r) => w.Write(r.Name, NpgsqlDbType.Text)),
        new("phone", static (w, r) => w.WriteOrNull(r.Phone, NpgsqlDbType.Text)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
        new("state", static (w, r) => w.WriteOrNull(r.State, NpgsqlDbType.Text)),
        new("type_code", static (w, r) => w.WriteOrNull(r.TypeCode, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<PatientIdentifier> PatientIdentifiers = new("clinical", "patient_identifiers",
    [
        new("parent_id", static (w, r) => w.Write(r.ParentId, NpgsqlDbType.Uuid)),
        new("ordinal", static (w, r) => w.Write(r.Ordinal, NpgsqlDbType.Smallint)),
        new("system", static (w, r) => w.WriteOrNull(r.System, NpgsqlDbType.Text)),
        new("type_code", static (w, r) => w.WriteOrNull(r.TypeCode, NpgsqlDbType.Text)),
        new("value", static (w, r) => w.Write(r.Value, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<Patient> Patients = new("clinical", "patients",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("address_line", static (w, r) => w.WriteOrNull(r.AddressLine, NpgsqlDbType.Text)),
        new("birth_date", static (w, r) => w.WriteValueOrNull(r.BirthDate, NpgsqlDbType.Date)),
        new("city", static (w, r) => w.WriteOrNull(r.City, NpgsqlDbType.Text)),
        new("deceased", static (w, r) => w.Write(r.Deceased, NpgsqlDbType.Boolean)),
        new("deceased_at", static (w, r) => w.WriteValueOrNull(r.DeceasedAt, NpgsqlDbType.TimestampTz)),
        new("family_name", static (w, r) => w.WriteOrNull(r.FamilyName, NpgsqlDbType.Text)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("given_names", static (w, r) => w.WriteOrNull(r.GivenNames, NpgsqlDbType.Text)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("mrn", static (w, r) => w.WriteOrNull(r.Mrn, NpgsqlDbType.Text)),
        new("phone", static (w, r) => w.WriteOrNull(r.Phone, NpgsqlDbType.Text)),
        new("postal_code", static (w, r) => w.WriteOrNull(r.PostalCode, NpgsqlDbType.Text)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("search_name", static (w, r) => w.WriteOrNull(r.SearchName, NpgsqlDbType.Text)),
        new("sex", static (w, r) => w.WriteOrNull(r.Sex, NpgsqlDbType.Text)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
        new("state", static (w, r) => w.WriteOrNull(r.State, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<PractitionerRole> PractitionerRoles = new("clinical", "practitioner_roles",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("location_id", static (w, r) => w.WriteValueOrNull(r.LocationId, NpgsqlDbType.Uuid)),
        new("organization_id", static (w, r) => w.WriteValueOrNull(r.OrganizationId, NpgsqlDbType.Uuid)),
        new("practitioner_id", static (w, r) => w.WriteValueOrNull(r.PractitionerId, NpgsqlDbType.Uuid)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("role_code", static (w, r) => w.WriteOrNull(r.RoleCode, NpgsqlDbType.Text)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
        new("specialty_code", static (w, r) => w.WriteOrNull(r.SpecialtyCode, NpgsqlDbType.Text)),
        new("specialty_display", static (w, r) => w.WriteOrNull(r.SpecialtyDisplay, NpgsqlDbType.Text)),
    ]);

    public static readonly CopyTable<Practitioner> Practitioners = new("clinical", "practitioners",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("family_name", static (w, r) => w.WriteOrNull(r.FamilyName, NpgsqlDbType.Text)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("given_names", static (w, r) => w.WriteOrNull(r.GivenNames, NpgsqlDbType.Text)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("npi", static (w, r) => w.WriteOrNull(r.Npi, NpgsqlDbType.Text)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("sex", static (w, r) => w.WriteOrNull(r.Sex, NpgsqlDbType.Text)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
    ]);

    public static readonly CopyTable<Procedure> Procedures = new("clinical", "procedures",
    [
        new("id", static (w, r) => w.Write(r.Id, NpgsqlDbType.Uuid)),
        new("code", static (w, r) => w.Write(r.Code, NpgsqlDbType.Text)),
        new("display", static (w, r) => w.WriteOrNull(r.Display, NpgsqlDbType.Text)),
        new("encounter_id", static (w, r) => w.WriteValueOrNull(r.EncounterId, NpgsqlDbType.Uuid)),
        new("fhir_id", static (w, r) => w.Write(r.FhirId, NpgsqlDbType.Varchar)),
        new("imported_at", static (w, r) => w.Write(r.ImportedAt, NpgsqlDbType.TimestampTz)),
        new("patient_id", static (w, r) => w.Write(r.PatientId, NpgsqlDbType.Uuid)),
        new("performed_end", static (w, r) => w.WriteValueOrNull(r.PerformedEnd, NpgsqlDbType.TimestampTz)),
        new("performed_start", static (w, r) => w.WriteValueOrNull(r.PerformedStart, NpgsqlDbType.TimestampTz)),
        new("reason_code", static (w, r) => w.WriteOrNull(r.ReasonCode, NpgsqlDbType.Text)),
        new("resource", static (w, r) => w.Write(r.Resource, NpgsqlDbType.Jsonb)),
        new("source_hash", static (w, r) => w.Write(r.SourceHash, NpgsqlDbType.Bytea)),
        new("status", static (w, r) => w.Write(r.Status, NpgsqlDbType.Text)),
    ]);
}
