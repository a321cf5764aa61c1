using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HimPortal.Data.Clinical;

/// <summary>The shared shape of every stored resource: key, FHIR id (unique per type), original JSON, source hash.</summary>
internal static class ResourceMapping
{
    public static void MapResource<T>(this EntityTypeBuilder<T> builder, string table)
        where T : ClinicalResource
    {
        builder.ToTable(table, Schemas.Clinical);
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        // No index on fhir_id: the key is derived from (type, FHIR id), so the primary key already finds and guards it.
        builder.Property(e => e.FhirId).HasMaxLength(128);
        // The original text, not jsonb: kept to be given back out whole, never queried inside (the typed columns are), so
        // it is stored as sent and not parsed into jsonb's tree; lz4 compresses it at a fraction of pglz's CPU (ADR 0012).
        builder.Property(e => e.Resource).HasColumnType("json").UseCompressionMethod("lz4");
    }

    public static void MapPatientResource<T>(this EntityTypeBuilder<T> builder, string table)
        where T : PatientResource
    {
        builder.MapResource(table);
        builder.HasIndex(e => e.PatientId);
        builder.HasIndex(e => e.EncounterId);
    }

    /// <summary>
    /// A part of a resource (<typeparamref name="TParent"/>), keyed by (parent, ordinal). Like every reference in the
    /// clinical record, parent_id is checked by the schema's statement-level reference triggers, not a foreign key (ADR 0012).
    /// </summary>
    public static void MapPart<T, TParent>(this EntityTypeBuilder<T> builder, string table)
        where T : ResourcePart
        where TParent : ClinicalResource
    {
        builder.ToTable(table, Schemas.Clinical);
        builder.HasKey(e => new { e.ParentId, e.Ordinal });
    }
}

internal sealed class PatientConfiguration : IEntityTypeConfiguration<Patient>
{
    public void Configure(EntityTypeBuilder<Patient> builder)
    {
        builder.MapResource("patients");
        builder.HasIndex(e => e.Mrn);
        builder.HasIndex(e => new { e.BirthDate });
        builder.HasIndex(e => e.SearchName).HasMethod("gin").HasOperators("gin_trgm_ops");
    }
}

internal sealed class PatientIdentifierConfiguration : IEntityTypeConfiguration<PatientIdentifier>
{
    public void Configure(EntityTypeBuilder<PatientIdentifier> builder)
    {
        builder.MapPart<PatientIdentifier, Patient>("patient_identifiers");
        builder.HasIndex(e => new { e.Value, e.System });
    }
}

internal sealed class PractitionerConfiguration : IEntityTypeConfiguration<Practitioner>
{
    public void Configure(EntityTypeBuilder<Practitioner> builder)
    {
        builder.MapResource("practitioners");
        builder.HasIndex(e => e.Npi);
    }
}

internal sealed class OrganizationConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> builder)
    {
        builder.MapResource("organizations");
        builder.HasIndex(e => new { e.IdentifierValue, e.IdentifierSystem });
    }
}

internal sealed class LocationConfiguration : IEntityTypeConfiguration<Location>
{
    public void Configure(EntityTypeBuilder<Location> builder)
    {
        builder.MapResource("locations");
        builder.HasIndex(e => new { e.IdentifierValue, e.IdentifierSystem });
        builder.HasIndex(e => e.OrganizationId);
    }
}

internal sealed class PractitionerRoleConfiguration : IEntityTypeConfiguration<PractitionerRole>
{
    public void Configure(EntityTypeBuilder<PractitionerRole> builder)
    {
        builder.MapResource("practitioner_roles");
        builder.HasIndex(e => e.PractitionerId);
        builder.HasIndex(e => e.OrganizationId);
        builder.HasIndex(e => e.LocationId);
    }
}

internal sealed class EncounterConfiguration : IEntityTypeConfiguration<Encounter>
{
    public void Configure(EntityTypeBuilder<Encounter> builder)
    {
        builder.MapResource("encounters");
        builder.HasIndex(e => new { e.PatientId, e.PeriodStart }).IsDescending(false, true);
    }
}

internal sealed class EncounterParticipantConfiguration : IEntityTypeConfiguration<EncounterParticipant>
{
    public void Configure(EntityTypeBuilder<EncounterParticipant> builder)
    {
        builder.MapPart<EncounterParticipant, Encounter>("encounter_participants");
        // "Does this practitioner treat this patient?" is one index probe.
        builder.HasIndex(e => new { e.PractitionerId, e.PatientId });
    }
}

internal sealed class ConditionConfiguration : IEntityTypeConfiguration<Condition>
{
    public void Configure(EntityTypeBuilder<Condition> builder) => builder.MapPatientResource("conditions");
}

internal sealed class ObservationConfiguration : IEntityTypeConfiguration<Observation>
{
    public void Configure(EntityTypeBuilder<Observation> builder)
    {
        builder.MapPatientResource("observations");
        builder.HasIndex(e => new { e.PatientId, e.Code, e.EffectiveAt });
    }
}

internal sealed class ObservationComponentConfiguration : IEntityTypeConfiguration<ObservationComponent>
{
    public void Configure(EntityTypeBuilder<ObservationComponent> builder) =>
        builder.MapPart<ObservationComponent, Observation>("observation_components");
}

internal sealed class DiagnosticReportConfiguration : IEntityTypeConfiguration<DiagnosticReport>
{
    public void Configure(EntityTypeBuilder<DiagnosticReport> builder) => builder.MapPatientResource("diagnostic_reports");
}

internal sealed class DiagnosticReportResultConfiguration : IEntityTypeConfiguration<DiagnosticReportResult>
{
    public void Configure(EntityTypeBuilder<DiagnosticReportResult> builder)
    {
        builder.MapPart<DiagnosticReportResult, DiagnosticReport>("diagnostic_report_results");
        builder.HasIndex(e => e.ObservationId);
    }
}

internal sealed class ClinicalNoteConfiguration : IEntityTypeConfiguration<ClinicalNote>
{
    public void Configure(EntityTypeBuilder<ClinicalNote> builder)
    {
        builder.MapPatientResource("clinical_notes");
    }
}

internal sealed class MedicationConfiguration : IEntityTypeConfiguration<Medication>
{
    public void Configure(EntityTypeBuilder<Medication> builder) => builder.MapResource("medications");
}

internal sealed class MedicationRequestConfiguration : IEntityTypeConfiguration<MedicationRequest>
{
    public void Configure(EntityTypeBuilder<MedicationRequest> builder)
    {
        builder.MapPatientResource("medication_requests");
    }
}

internal sealed class MedicationAdministrationConfiguration : IEntityTypeConfiguration<MedicationAdministration>
{
    public void Configure(EntityTypeBuilder<MedicationAdministration> builder)
    {
        builder.MapPatientResource("medication_administrations");
    }
}

internal sealed class AllergyIntoleranceConfiguration : IEntityTypeConfiguration<AllergyIntolerance>
{
    public void Configure(EntityTypeBuilder<AllergyIntolerance> builder) => builder.MapPatientResource("allergies");
}

internal sealed class ImmunizationConfiguration : IEntityTypeConfiguration<Immunization>
{
    public void Configure(EntityTypeBuilder<Immunization> builder) => builder.MapPatientResource("immunizations");
}

internal sealed class ProcedureConfiguration : IEntityTypeConfiguration<Procedure>
{
    public void Configure(EntityTypeBuilder<Procedure> builder) => builder.MapPatientResource("procedures");
}

internal sealed class ImagingStudyConfiguration : IEntityTypeConfiguration<ImagingStudy>
{
    public void Configure(EntityTypeBuilder<ImagingStudy> builder) => builder.MapPatientResource("imaging_studies");
}

internal sealed class CareTeamConfiguration : IEntityTypeConfiguration<CareTeam>
{
    public void Configure(EntityTypeBuilder<CareTeam> builder)
    {
        builder.MapPatientResource("care_teams");
    }
}

internal sealed class CareTeamMemberConfiguration : IEntityTypeConfiguration<CareTeamMember>
{
    public void Configure(EntityTypeBuilder<CareTeamMember> builder)
    {
        builder.MapPart<CareTeamMember, CareTeam>("care_team_members");
        builder.HasIndex(e => new { e.PractitionerId, e.PatientId });
    }
}

internal sealed class CarePlanConfiguration : IEntityTypeConfiguration<CarePlan>
{
    public void Configure(EntityTypeBuilder<CarePlan> builder)
    {
        builder.MapPatientResource("care_plans");
    }
}
