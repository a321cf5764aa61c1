using HimPortal.Data.Clinical;

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
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("category", static (w, r) => w.Text(r.Category)),
        new("clinical_status", static (w, r) => w.Text(r.ClinicalStatus)),
        new("code", static (w, r) => w.Text(r.Code)),
        new("criticality", static (w, r) => w.Text(r.Criticality)),
        new("display", static (w, r) => w.Text(r.Display)),
        new("encounter_id", static (w, r) => w.Uuid(r.EncounterId)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("patient_id", static (w, r) => w.Uuid(r.PatientId)),
        new("recorded_at", static (w, r) => w.TimestampTz(r.RecordedAt)),
        new("resource", static (w, r) => w.Resource(r)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
        new("type", static (w, r) => w.Text(r.Type)),
        new("verification_status", static (w, r) => w.Text(r.VerificationStatus)),
    ]);

    public static readonly CopyTable<CarePlan> CarePlans = new("clinical", "care_plans",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("activities", static (w, r) => w.Text(r.Activities)),
        new("care_team_id", static (w, r) => w.Uuid(r.CareTeamId)),
        new("category_code", static (w, r) => w.Text(r.CategoryCode)),
        new("category_display", static (w, r) => w.Text(r.CategoryDisplay)),
        new("encounter_id", static (w, r) => w.Uuid(r.EncounterId)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("intent", static (w, r) => w.Text(r.Intent)),
        new("patient_id", static (w, r) => w.Uuid(r.PatientId)),
        new("period_end", static (w, r) => w.TimestampTz(r.PeriodEnd)),
        new("period_start", static (w, r) => w.TimestampTz(r.PeriodStart)),
        new("resource", static (w, r) => w.Resource(r)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
        new("status", static (w, r) => w.Text(r.Status)),
    ]);

    public static readonly CopyTable<CareTeamMember> CareTeamMembers = new("clinical", "care_team_members",
    [
        new("parent_id", static (w, r) => w.Uuid(r.ParentId)),
        new("ordinal", static (w, r) => w.Int2(r.Ordinal)),
        new("organization_id", static (w, r) => w.Uuid(r.OrganizationId)),
        new("patient_id", static (w, r) => w.Uuid(r.PatientId)),
        new("practitioner_id", static (w, r) => w.Uuid(r.PractitionerId)),
        new("role_code", static (w, r) => w.Text(r.RoleCode)),
        new("role_display", static (w, r) => w.Text(r.RoleDisplay)),
    ]);

    public static readonly CopyTable<CareTeam> CareTeams = new("clinical", "care_teams",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("encounter_id", static (w, r) => w.Uuid(r.EncounterId)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("managing_organization_id", static (w, r) => w.Uuid(r.ManagingOrganizationId)),
        new("name", static (w, r) => w.Text(r.Name)),
        new("patient_id", static (w, r) => w.Uuid(r.PatientId)),
        new("period_end", static (w, r) => w.TimestampTz(r.PeriodEnd)),
        new("period_start", static (w, r) => w.TimestampTz(r.PeriodStart)),
        new("resource", static (w, r) => w.Resource(r)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
        new("status", static (w, r) => w.Text(r.Status)),
    ]);

    public static readonly CopyTable<ClinicalNote> ClinicalNotes = new("clinical", "clinical_notes",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("authenticator_id", static (w, r) => w.Uuid(r.AuthenticatorId)),
        new("author_id", static (w, r) => w.Uuid(r.AuthorId)),
        new("content_type", static (w, r) => w.Text(r.ContentType)),
        new("custodian_id", static (w, r) => w.Uuid(r.CustodianId)),
        new("date", static (w, r) => w.TimestampTz(r.Date)),
        new("doc_status", static (w, r) => w.Text(r.DocStatus)),
        new("encounter_id", static (w, r) => w.Uuid(r.EncounterId)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("patient_id", static (w, r) => w.Uuid(r.PatientId)),
        new("resource", static (w, r) => w.Resource(r)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
        new("status", static (w, r) => w.Text(r.Status)),
        new("text", static (w, r) => w.Text(r.Text)),
        new("type_code", static (w, r) => w.Text(r.TypeCode)),
        new("type_display", static (w, r) => w.Text(r.TypeDisplay)),
    ]);

    public static readonly CopyTable<Condition> Conditions = new("clinical", "conditions",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("abatement_at", static (w, r) => w.TimestampTz(r.AbatementAt)),
        new("category", static (w, r) => w.Text(r.Category)),
        new("clinical_status", static (w, r) => w.Text(r.ClinicalStatus)),
        new("code", static (w, r) => w.Text(r.Code)),
        new("code_system", static (w, r) => w.Text(r.CodeSystem)),
        new("display", static (w, r) => w.Text(r.Display)),
        new("encounter_id", static (w, r) => w.Uuid(r.EncounterId)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("onset_at", static (w, r) => w.TimestampTz(r.OnsetAt)),
        new("patient_id", static (w, r) => w.Uuid(r.PatientId)),
        new("recorded_at", static (w, r) => w.TimestampTz(r.RecordedAt)),
        new("resource", static (w, r) => w.Resource(r)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
        new("verification_status", static (w, r) => w.Text(r.VerificationStatus)),
    ]);

    public static readonly CopyTable<DiagnosticReportResult> DiagnosticReportResults = new("clinical", "diagnostic_report_results",
    [
        new("parent_id", static (w, r) => w.Uuid(r.ParentId)),
        new("ordinal", static (w, r) => w.Int2(r.Ordinal)),
        new("observation_id", static (w, r) => w.Uuid(r.ObservationId)),
    ]);

    public static readonly CopyTable<DiagnosticReport> DiagnosticReports = new("clinical", "diagnostic_reports",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("category", static (w, r) => w.Text(r.Category)),
        new("code", static (w, r) => w.Text(r.Code)),
        new("display", static (w, r) => w.Text(r.Display)),
        new("effective_at", static (w, r) => w.TimestampTz(r.EffectiveAt)),
        new("encounter_id", static (w, r) => w.Uuid(r.EncounterId)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("issued_at", static (w, r) => w.TimestampTz(r.IssuedAt)),
        new("patient_id", static (w, r) => w.Uuid(r.PatientId)),
        new("resource", static (w, r) => w.Resource(r)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
        new("status", static (w, r) => w.Text(r.Status)),
        new("text", static (w, r) => w.Text(r.Text)),
    ]);

    public static readonly CopyTable<EncounterParticipant> EncounterParticipants = new("clinical", "encounter_participants",
    [
        new("parent_id", static (w, r) => w.Uuid(r.ParentId)),
        new("ordinal", static (w, r) => w.Int2(r.Ordinal)),
        new("patient_id", static (w, r) => w.Uuid(r.PatientId)),
        new("period_end", static (w, r) => w.TimestampTz(r.PeriodEnd)),
        new("period_start", static (w, r) => w.TimestampTz(r.PeriodStart)),
        new("practitioner_id", static (w, r) => w.Uuid(r.PractitionerId)),
        new("type_code", static (w, r) => w.Text(r.TypeCode)),
    ]);

    public static readonly CopyTable<Encounter> Encounters = new("clinical", "encounters",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("class", static (w, r) => w.Text(r.Class)),
        new("discharge_disposition", static (w, r) => w.Text(r.DischargeDisposition)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("location_id", static (w, r) => w.Uuid(r.LocationId)),
        new("patient_id", static (w, r) => w.Uuid(r.PatientId)),
        new("period_end", static (w, r) => w.TimestampTz(r.PeriodEnd)),
        new("period_start", static (w, r) => w.TimestampTz(r.PeriodStart)),
        new("reason_code", static (w, r) => w.Text(r.ReasonCode)),
        new("reason_display", static (w, r) => w.Text(r.ReasonDisplay)),
        new("resource", static (w, r) => w.Resource(r)),
        new("service_provider_id", static (w, r) => w.Uuid(r.ServiceProviderId)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
        new("status", static (w, r) => w.Text(r.Status)),
        new("type_code", static (w, r) => w.Text(r.TypeCode)),
        new("type_display", static (w, r) => w.Text(r.TypeDisplay)),
    ]);

    public static readonly CopyTable<ImagingStudy> ImagingStudies = new("clinical", "imaging_studies",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("body_site_code", static (w, r) => w.Text(r.BodySiteCode)),
        new("body_site_display", static (w, r) => w.Text(r.BodySiteDisplay)),
        new("encounter_id", static (w, r) => w.Uuid(r.EncounterId)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("instance_count", static (w, r) => w.Int4(r.InstanceCount)),
        new("modality", static (w, r) => w.Text(r.Modality)),
        new("patient_id", static (w, r) => w.Uuid(r.PatientId)),
        new("procedure_code", static (w, r) => w.Text(r.ProcedureCode)),
        new("procedure_display", static (w, r) => w.Text(r.ProcedureDisplay)),
        new("resource", static (w, r) => w.Resource(r)),
        new("series_count", static (w, r) => w.Int4(r.SeriesCount)),
        new("series_uids", static (w, r) => w.TextArray(r.SeriesUids)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
        new("started_at", static (w, r) => w.TimestampTz(r.StartedAt)),
        new("status", static (w, r) => w.Text(r.Status)),
        new("study_uid", static (w, r) => w.Text(r.StudyUid)),
    ]);

    public static readonly CopyTable<Immunization> Immunizations = new("clinical", "immunizations",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("display", static (w, r) => w.Text(r.Display)),
        new("encounter_id", static (w, r) => w.Uuid(r.EncounterId)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("occurred_at", static (w, r) => w.TimestampTz(r.OccurredAt)),
        new("patient_id", static (w, r) => w.Uuid(r.PatientId)),
        new("resource", static (w, r) => w.Resource(r)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
        new("status", static (w, r) => w.Text(r.Status)),
        new("vaccine_code", static (w, r) => w.Text(r.VaccineCode)),
    ]);

    public static readonly CopyTable<Location> Locations = new("clinical", "locations",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("city", static (w, r) => w.Text(r.City)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("identifier_system", static (w, r) => w.Text(r.IdentifierSystem)),
        new("identifier_value", static (w, r) => w.Text(r.IdentifierValue)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("name", static (w, r) => w.Text(r.Name)),
        new("organization_id", static (w, r) => w.Uuid(r.OrganizationId)),
        new("resource", static (w, r) => w.Resource(r)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
        new("state", static (w, r) => w.Text(r.State)),
    ]);

    public static readonly CopyTable<MedicationAdministration> MedicationAdministrations = new("clinical", "medication_administrations",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("effective_at", static (w, r) => w.TimestampTz(r.EffectiveAt)),
        new("encounter_id", static (w, r) => w.Uuid(r.EncounterId)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("medication_code", static (w, r) => w.Text(r.MedicationCode)),
        new("medication_display", static (w, r) => w.Text(r.MedicationDisplay)),
        new("medication_id", static (w, r) => w.Uuid(r.MedicationId)),
        new("patient_id", static (w, r) => w.Uuid(r.PatientId)),
        new("resource", static (w, r) => w.Resource(r)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
        new("status", static (w, r) => w.Text(r.Status)),
    ]);

    public static readonly CopyTable<MedicationRequest> MedicationRequests = new("clinical", "medication_requests",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("authored_on", static (w, r) => w.TimestampTz(r.AuthoredOn)),
        new("dosage_text", static (w, r) => w.Text(r.DosageText)),
        new("encounter_id", static (w, r) => w.Uuid(r.EncounterId)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("intent", static (w, r) => w.Text(r.Intent)),
        new("medication_code", static (w, r) => w.Text(r.MedicationCode)),
        new("medication_display", static (w, r) => w.Text(r.MedicationDisplay)),
        new("medication_id", static (w, r) => w.Uuid(r.MedicationId)),
        new("mode_codes", static (w, r) => w.TextArray(r.ModeCodes)),
        new("patient_id", static (w, r) => w.Uuid(r.PatientId)),
        new("reason_code", static (w, r) => w.Text(r.ReasonCode)),
        new("requester_id", static (w, r) => w.Uuid(r.RequesterId)),
        new("resource", static (w, r) => w.Resource(r)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
        new("status", static (w, r) => w.Text(r.Status)),
    ]);

    public static readonly CopyTable<Medication> Medications = new("clinical", "medications",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("code", static (w, r) => w.Text(r.Code)),
        new("display", static (w, r) => w.Text(r.Display)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("resource", static (w, r) => w.Resource(r)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
        new("status", static (w, r) => w.Text(r.Status)),
    ]);

    public static readonly CopyTable<ObservationComponent> ObservationComponents = new("clinical", "observation_components",
    [
        new("parent_id", static (w, r) => w.Uuid(r.ParentId)),
        new("ordinal", static (w, r) => w.Int2(r.Ordinal)),
        new("code", static (w, r) => w.Text(r.Code)),
        new("display", static (w, r) => w.Text(r.Display)),
        new("value_code", static (w, r) => w.Text(r.ValueCode)),
        new("value_display", static (w, r) => w.Text(r.ValueDisplay)),
        new("value_quantity", static (w, r) => w.Numeric(r.ValueQuantity)),
        new("value_string", static (w, r) => w.Text(r.ValueString)),
        new("value_unit", static (w, r) => w.Text(r.ValueUnit)),
    ]);

    public static readonly CopyTable<Observation> Observations = new("clinical", "observations",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("category", static (w, r) => w.Text(r.Category)),
        new("code", static (w, r) => w.Text(r.Code)),
        new("code_system", static (w, r) => w.Text(r.CodeSystem)),
        new("display", static (w, r) => w.Text(r.Display)),
        new("effective_at", static (w, r) => w.TimestampTz(r.EffectiveAt)),
        new("encounter_id", static (w, r) => w.Uuid(r.EncounterId)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("flag", static (w, r) => w.Text(r.Flag)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("patient_id", static (w, r) => w.Uuid(r.PatientId)),
        new("reference_high", static (w, r) => w.Numeric(r.ReferenceHigh)),
        new("reference_low", static (w, r) => w.Numeric(r.ReferenceLow)),
        new("resource", static (w, r) => w.Resource(r)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
        new("status", static (w, r) => w.Text(r.Status)),
        new("value_code", static (w, r) => w.Text(r.ValueCode)),
        new("value_display", static (w, r) => w.Text(r.ValueDisplay)),
        new("value_quantity", static (w, r) => w.Numeric(r.ValueQuantity)),
        new("value_string", static (w, r) => w.Text(r.ValueString)),
        new("value_unit", static (w, r) => w.Text(r.ValueUnit)),
    ]);

    public static readonly CopyTable<Organization> Organizations = new("clinical", "organizations",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("city", static (w, r) => w.Text(r.City)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("identifier_system", static (w, r) => w.Text(r.IdentifierSystem)),
        new("identifier_value", static (w, r) => w.Text(r.IdentifierValue)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("name", static (w, r) => w.Text(r.Name)),
        new("phone", static (w, r) => w.Text(r.Phone)),
        new("resource", static (w, r) => w.Resource(r)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
        new("state", static (w, r) => w.Text(r.State)),
        new("type_code", static (w, r) => w.Text(r.TypeCode)),
    ]);

    public static readonly CopyTable<PatientIdentifier> PatientIdentifiers = new("clinical", "patient_identifiers",
    [
        new("parent_id", static (w, r) => w.Uuid(r.ParentId)),
        new("ordinal", static (w, r) => w.Int2(r.Ordinal)),
        new("system", static (w, r) => w.Text(r.System)),
        new("type_code", static (w, r) => w.Text(r.TypeCode)),
        new("value", static (w, r) => w.Text(r.Value)),
    ]);

    public static readonly CopyTable<Patient> Patients = new("clinical", "patients",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("address_line", static (w, r) => w.Text(r.AddressLine)),
        new("birth_date", static (w, r) => w.Date(r.BirthDate)),
        new("city", static (w, r) => w.Text(r.City)),
        new("deceased", static (w, r) => w.Bool(r.Deceased)),
        new("deceased_at", static (w, r) => w.TimestampTz(r.DeceasedAt)),
        new("family_name", static (w, r) => w.Text(r.FamilyName)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("given_names", static (w, r) => w.Text(r.GivenNames)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("mrn", static (w, r) => w.Text(r.Mrn)),
        new("phone", static (w, r) => w.Text(r.Phone)),
        new("postal_code", static (w, r) => w.Text(r.PostalCode)),
        new("resource", static (w, r) => w.Resource(r)),
        new("search_name", static (w, r) => w.Text(r.SearchName)),
        new("sex", static (w, r) => w.Text(r.Sex)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
        new("state", static (w, r) => w.Text(r.State)),
    ]);

    public static readonly CopyTable<PractitionerRole> PractitionerRoles = new("clinical", "practitioner_roles",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("location_id", static (w, r) => w.Uuid(r.LocationId)),
        new("organization_id", static (w, r) => w.Uuid(r.OrganizationId)),
        new("practitioner_id", static (w, r) => w.Uuid(r.PractitionerId)),
        new("resource", static (w, r) => w.Resource(r)),
        new("role_code", static (w, r) => w.Text(r.RoleCode)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
        new("specialty_code", static (w, r) => w.Text(r.SpecialtyCode)),
        new("specialty_display", static (w, r) => w.Text(r.SpecialtyDisplay)),
    ]);

    public static readonly CopyTable<Practitioner> Practitioners = new("clinical", "practitioners",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("family_name", static (w, r) => w.Text(r.FamilyName)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("given_names", static (w, r) => w.Text(r.GivenNames)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("npi", static (w, r) => w.Text(r.Npi)),
        new("resource", static (w, r) => w.Resource(r)),
        new("sex", static (w, r) => w.Text(r.Sex)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
    ]);

    public static readonly CopyTable<Procedure> Procedures = new("clinical", "procedures",
    [
        new("id", static (w, r) => w.Uuid(r.Id)),
        new("code", static (w, r) => w.Text(r.Code)),
        new("display", static (w, r) => w.Text(r.Display)),
        new("encounter_id", static (w, r) => w.Uuid(r.EncounterId)),
        new("fhir_id", static (w, r) => w.Text(r.FhirId)),
        new("imported_at", static (w, r) => w.TimestampTz(r.ImportedAt)),
        new("patient_id", static (w, r) => w.Uuid(r.PatientId)),
        new("performed_end", static (w, r) => w.TimestampTz(r.PerformedEnd)),
        new("performed_start", static (w, r) => w.TimestampTz(r.PerformedStart)),
        new("performer_id", static (w, r) => w.Uuid(r.PerformerId)),
        new("reason_code", static (w, r) => w.Text(r.ReasonCode)),
        new("resource", static (w, r) => w.Resource(r)),
        new("source_hash", static (w, r) => w.Bytea(r.SourceHash)),
        new("status", static (w, r) => w.Text(r.Status)),
    ]);
}
