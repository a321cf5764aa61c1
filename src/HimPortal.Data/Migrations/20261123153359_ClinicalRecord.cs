using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class ClinicalRecord : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "clinical");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.CreateTable(
                name: "medications",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "text", nullable: true),
                    display = table.Column<string>(type: "text", nullable: true),
                    status = table.Column<string>(type: "text", nullable: true),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_medications", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "organizations",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    identifier_system = table.Column<string>(type: "text", nullable: true),
                    identifier_value = table.Column<string>(type: "text", nullable: true),
                    name = table.Column<string>(type: "text", nullable: false),
                    type_code = table.Column<string>(type: "text", nullable: true),
                    city = table.Column<string>(type: "text", nullable: true),
                    state = table.Column<string>(type: "text", nullable: true),
                    phone = table.Column<string>(type: "text", nullable: true),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_organizations", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "patients",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    mrn = table.Column<string>(type: "text", nullable: true),
                    family_name = table.Column<string>(type: "text", nullable: true),
                    given_names = table.Column<string>(type: "text", nullable: true),
                    search_name = table.Column<string>(type: "text", nullable: true),
                    birth_date = table.Column<DateOnly>(type: "date", nullable: true),
                    sex = table.Column<string>(type: "text", nullable: true),
                    deceased = table.Column<bool>(type: "boolean", nullable: false),
                    deceased_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    address_line = table.Column<string>(type: "text", nullable: true),
                    city = table.Column<string>(type: "text", nullable: true),
                    state = table.Column<string>(type: "text", nullable: true),
                    postal_code = table.Column<string>(type: "text", nullable: true),
                    phone = table.Column<string>(type: "text", nullable: true),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_patients", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "practitioners",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    npi = table.Column<string>(type: "text", nullable: true),
                    family_name = table.Column<string>(type: "text", nullable: true),
                    given_names = table.Column<string>(type: "text", nullable: true),
                    sex = table.Column<string>(type: "text", nullable: true),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_practitioners", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "locations",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    identifier_system = table.Column<string>(type: "text", nullable: true),
                    identifier_value = table.Column<string>(type: "text", nullable: true),
                    name = table.Column<string>(type: "text", nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: true),
                    city = table.Column<string>(type: "text", nullable: true),
                    state = table.Column<string>(type: "text", nullable: true),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_locations", x => x.id);
                    table.ForeignKey(
                        name: "fk_locations_organization_organization_id",
                        column: x => x.organization_id,
                        principalSchema: "clinical",
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "patient_identifiers",
                schema: "clinical",
                columns: table => new
                {
                    parent_id = table.Column<Guid>(type: "uuid", nullable: false),
                    ordinal = table.Column<short>(type: "smallint", nullable: false),
                    system = table.Column<string>(type: "text", nullable: true),
                    value = table.Column<string>(type: "text", nullable: false),
                    type_code = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_patient_identifiers", x => new { x.parent_id, x.ordinal });
                    table.ForeignKey(
                        name: "fk_patient_identifiers_patients_parent_id",
                        column: x => x.parent_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "encounters",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    @class = table.Column<string>(name: "class", type: "text", nullable: false),
                    type_code = table.Column<string>(type: "text", nullable: true),
                    type_display = table.Column<string>(type: "text", nullable: true),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    period_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    location_id = table.Column<Guid>(type: "uuid", nullable: true),
                    service_provider_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reason_code = table.Column<string>(type: "text", nullable: true),
                    reason_display = table.Column<string>(type: "text", nullable: true),
                    discharge_disposition = table.Column<string>(type: "text", nullable: true),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_encounters", x => x.id);
                    table.ForeignKey(
                        name: "fk_encounters_location_location_id",
                        column: x => x.location_id,
                        principalSchema: "clinical",
                        principalTable: "locations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_encounters_organization_service_provider_id",
                        column: x => x.service_provider_id,
                        principalSchema: "clinical",
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_encounters_patient_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "practitioner_roles",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    practitioner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: true),
                    location_id = table.Column<Guid>(type: "uuid", nullable: true),
                    role_code = table.Column<string>(type: "text", nullable: true),
                    specialty_code = table.Column<string>(type: "text", nullable: true),
                    specialty_display = table.Column<string>(type: "text", nullable: true),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_practitioner_roles", x => x.id);
                    table.ForeignKey(
                        name: "fk_practitioner_roles_locations_location_id",
                        column: x => x.location_id,
                        principalSchema: "clinical",
                        principalTable: "locations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_practitioner_roles_organizations_organization_id",
                        column: x => x.organization_id,
                        principalSchema: "clinical",
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_practitioner_roles_practitioners_practitioner_id",
                        column: x => x.practitioner_id,
                        principalSchema: "clinical",
                        principalTable: "practitioners",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "allergies",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "text", nullable: false),
                    display = table.Column<string>(type: "text", nullable: true),
                    type = table.Column<string>(type: "text", nullable: true),
                    category = table.Column<string>(type: "text", nullable: true),
                    criticality = table.Column<string>(type: "text", nullable: true),
                    clinical_status = table.Column<string>(type: "text", nullable: true),
                    verification_status = table.Column<string>(type: "text", nullable: true),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_allergies", x => x.id);
                    table.ForeignKey(
                        name: "fk_allergies_encounter_encounter_id",
                        column: x => x.encounter_id,
                        principalSchema: "clinical",
                        principalTable: "encounters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_allergies_patient_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "care_teams",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "text", nullable: true),
                    name = table.Column<string>(type: "text", nullable: true),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    period_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    managing_organization_id = table.Column<Guid>(type: "uuid", nullable: true),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_care_teams", x => x.id);
                    table.ForeignKey(
                        name: "fk_care_teams_encounter_encounter_id",
                        column: x => x.encounter_id,
                        principalSchema: "clinical",
                        principalTable: "encounters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_care_teams_organization_managing_organization_id",
                        column: x => x.managing_organization_id,
                        principalSchema: "clinical",
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_care_teams_patient_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "clinical_notes",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    type_code = table.Column<string>(type: "text", nullable: true),
                    type_display = table.Column<string>(type: "text", nullable: true),
                    date = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    author_id = table.Column<Guid>(type: "uuid", nullable: true),
                    custodian_id = table.Column<Guid>(type: "uuid", nullable: true),
                    content_type = table.Column<string>(type: "text", nullable: true),
                    text = table.Column<string>(type: "text", nullable: true),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_clinical_notes", x => x.id);
                    table.ForeignKey(
                        name: "fk_clinical_notes_encounter_encounter_id",
                        column: x => x.encounter_id,
                        principalSchema: "clinical",
                        principalTable: "encounters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_clinical_notes_organization_custodian_id",
                        column: x => x.custodian_id,
                        principalSchema: "clinical",
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_clinical_notes_patient_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_clinical_notes_practitioner_author_id",
                        column: x => x.author_id,
                        principalSchema: "clinical",
                        principalTable: "practitioners",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "conditions",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    code_system = table.Column<string>(type: "text", nullable: true),
                    code = table.Column<string>(type: "text", nullable: false),
                    display = table.Column<string>(type: "text", nullable: true),
                    clinical_status = table.Column<string>(type: "text", nullable: true),
                    verification_status = table.Column<string>(type: "text", nullable: true),
                    category = table.Column<string>(type: "text", nullable: true),
                    onset_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    abatement_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_conditions", x => x.id);
                    table.ForeignKey(
                        name: "fk_conditions_encounter_encounter_id",
                        column: x => x.encounter_id,
                        principalSchema: "clinical",
                        principalTable: "encounters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_conditions_patient_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "diagnostic_reports",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    category = table.Column<string>(type: "text", nullable: true),
                    code = table.Column<string>(type: "text", nullable: false),
                    display = table.Column<string>(type: "text", nullable: true),
                    effective_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    issued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    text = table.Column<string>(type: "text", nullable: true),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_diagnostic_reports", x => x.id);
                    table.ForeignKey(
                        name: "fk_diagnostic_reports_encounter_encounter_id",
                        column: x => x.encounter_id,
                        principalSchema: "clinical",
                        principalTable: "encounters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_diagnostic_reports_patient_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "encounter_participants",
                schema: "clinical",
                columns: table => new
                {
                    parent_id = table.Column<Guid>(type: "uuid", nullable: false),
                    ordinal = table.Column<short>(type: "smallint", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    practitioner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    type_code = table.Column<string>(type: "text", nullable: true),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    period_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_encounter_participants", x => new { x.parent_id, x.ordinal });
                    table.ForeignKey(
                        name: "fk_encounter_participants_encounters_parent_id",
                        column: x => x.parent_id,
                        principalSchema: "clinical",
                        principalTable: "encounters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_encounter_participants_practitioner_practitioner_id",
                        column: x => x.practitioner_id,
                        principalSchema: "clinical",
                        principalTable: "practitioners",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "imaging_studies",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    study_uid = table.Column<string>(type: "text", nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    modality = table.Column<string>(type: "text", nullable: true),
                    body_site_code = table.Column<string>(type: "text", nullable: true),
                    body_site_display = table.Column<string>(type: "text", nullable: true),
                    procedure_code = table.Column<string>(type: "text", nullable: true),
                    procedure_display = table.Column<string>(type: "text", nullable: true),
                    series_count = table.Column<int>(type: "integer", nullable: false),
                    instance_count = table.Column<int>(type: "integer", nullable: false),
                    series_uids = table.Column<string[]>(type: "text[]", nullable: false),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_imaging_studies", x => x.id);
                    table.ForeignKey(
                        name: "fk_imaging_studies_encounters_encounter_id",
                        column: x => x.encounter_id,
                        principalSchema: "clinical",
                        principalTable: "encounters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_imaging_studies_patient_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "immunizations",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    vaccine_code = table.Column<string>(type: "text", nullable: false),
                    display = table.Column<string>(type: "text", nullable: true),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_immunizations", x => x.id);
                    table.ForeignKey(
                        name: "fk_immunizations_encounters_encounter_id",
                        column: x => x.encounter_id,
                        principalSchema: "clinical",
                        principalTable: "encounters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_immunizations_patient_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "medication_administrations",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    medication_code = table.Column<string>(type: "text", nullable: true),
                    medication_display = table.Column<string>(type: "text", nullable: true),
                    medication_id = table.Column<Guid>(type: "uuid", nullable: true),
                    effective_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_medication_administrations", x => x.id);
                    table.ForeignKey(
                        name: "fk_medication_administrations_encounters_encounter_id",
                        column: x => x.encounter_id,
                        principalSchema: "clinical",
                        principalTable: "encounters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_medication_administrations_medication_medication_id",
                        column: x => x.medication_id,
                        principalSchema: "clinical",
                        principalTable: "medications",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_medication_administrations_patient_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "medication_requests",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    intent = table.Column<string>(type: "text", nullable: true),
                    medication_code = table.Column<string>(type: "text", nullable: true),
                    medication_display = table.Column<string>(type: "text", nullable: true),
                    medication_id = table.Column<Guid>(type: "uuid", nullable: true),
                    authored_on = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    requester_id = table.Column<Guid>(type: "uuid", nullable: true),
                    dosage_text = table.Column<string>(type: "text", nullable: true),
                    reason_code = table.Column<string>(type: "text", nullable: true),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_medication_requests", x => x.id);
                    table.ForeignKey(
                        name: "fk_medication_requests_encounters_encounter_id",
                        column: x => x.encounter_id,
                        principalSchema: "clinical",
                        principalTable: "encounters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_medication_requests_medications_medication_id",
                        column: x => x.medication_id,
                        principalSchema: "clinical",
                        principalTable: "medications",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_medication_requests_patient_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_medication_requests_practitioner_requester_id",
                        column: x => x.requester_id,
                        principalSchema: "clinical",
                        principalTable: "practitioners",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "observations",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    category = table.Column<string>(type: "text", nullable: true),
                    code_system = table.Column<string>(type: "text", nullable: true),
                    code = table.Column<string>(type: "text", nullable: false),
                    display = table.Column<string>(type: "text", nullable: true),
                    effective_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    value_quantity = table.Column<decimal>(type: "numeric", nullable: true),
                    value_unit = table.Column<string>(type: "text", nullable: true),
                    value_code = table.Column<string>(type: "text", nullable: true),
                    value_display = table.Column<string>(type: "text", nullable: true),
                    value_string = table.Column<string>(type: "text", nullable: true),
                    reference_low = table.Column<decimal>(type: "numeric", nullable: true),
                    reference_high = table.Column<decimal>(type: "numeric", nullable: true),
                    flag = table.Column<string>(type: "text", nullable: true),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_observations", x => x.id);
                    table.ForeignKey(
                        name: "fk_observations_encounters_encounter_id",
                        column: x => x.encounter_id,
                        principalSchema: "clinical",
                        principalTable: "encounters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_observations_patient_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "procedures",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    code = table.Column<string>(type: "text", nullable: false),
                    display = table.Column<string>(type: "text", nullable: true),
                    performed_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    performed_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    reason_code = table.Column<string>(type: "text", nullable: true),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_procedures", x => x.id);
                    table.ForeignKey(
                        name: "fk_procedures_encounters_encounter_id",
                        column: x => x.encounter_id,
                        principalSchema: "clinical",
                        principalTable: "encounters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_procedures_patients_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "care_plans",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "text", nullable: false),
                    intent = table.Column<string>(type: "text", nullable: true),
                    category_code = table.Column<string>(type: "text", nullable: true),
                    category_display = table.Column<string>(type: "text", nullable: true),
                    period_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    period_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    care_team_id = table.Column<Guid>(type: "uuid", nullable: true),
                    activities = table.Column<string>(type: "text", nullable: true),
                    fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    resource = table.Column<string>(type: "jsonb", nullable: false),
                    source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    imported_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_care_plans", x => x.id);
                    table.ForeignKey(
                        name: "fk_care_plans_care_team_care_team_id",
                        column: x => x.care_team_id,
                        principalSchema: "clinical",
                        principalTable: "care_teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_care_plans_encounter_encounter_id",
                        column: x => x.encounter_id,
                        principalSchema: "clinical",
                        principalTable: "encounters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_care_plans_patient_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "care_team_members",
                schema: "clinical",
                columns: table => new
                {
                    parent_id = table.Column<Guid>(type: "uuid", nullable: false),
                    ordinal = table.Column<short>(type: "smallint", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    practitioner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: true),
                    role_code = table.Column<string>(type: "text", nullable: true),
                    role_display = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_care_team_members", x => new { x.parent_id, x.ordinal });
                    table.ForeignKey(
                        name: "fk_care_team_members_care_teams_parent_id",
                        column: x => x.parent_id,
                        principalSchema: "clinical",
                        principalTable: "care_teams",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_care_team_members_organization_organization_id",
                        column: x => x.organization_id,
                        principalSchema: "clinical",
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_care_team_members_practitioner_practitioner_id",
                        column: x => x.practitioner_id,
                        principalSchema: "clinical",
                        principalTable: "practitioners",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "diagnostic_report_results",
                schema: "clinical",
                columns: table => new
                {
                    parent_id = table.Column<Guid>(type: "uuid", nullable: false),
                    ordinal = table.Column<short>(type: "smallint", nullable: false),
                    observation_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_diagnostic_report_results", x => new { x.parent_id, x.ordinal });
                    table.ForeignKey(
                        name: "fk_diagnostic_report_results_diagnostic_reports_parent_id",
                        column: x => x.parent_id,
                        principalSchema: "clinical",
                        principalTable: "diagnostic_reports",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_diagnostic_report_results_observation_observation_id",
                        column: x => x.observation_id,
                        principalSchema: "clinical",
                        principalTable: "observations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "observation_components",
                schema: "clinical",
                columns: table => new
                {
                    parent_id = table.Column<Guid>(type: "uuid", nullable: false),
                    ordinal = table.Column<short>(type: "smallint", nullable: false),
                    code = table.Column<string>(type: "text", nullable: false),
                    display = table.Column<string>(type: "text", nullable: true),
                    value_quantity = table.Column<decimal>(type: "numeric", nullable: true),
                    value_unit = table.Column<string>(type: "text", nullable: true),
                    value_code = table.Column<string>(type: "text", nullable: true),
                    value_display = table.Column<string>(type: "text", nullable: true),
                    value_string = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_observation_components", x => new { x.parent_id, x.ordinal });
                    table.ForeignKey(
                        name: "fk_observation_components_observation_parent_id",
                        column: x => x.parent_id,
                        principalSchema: "clinical",
                        principalTable: "observations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_allergies_encounter_id",
                schema: "clinical",
                table: "allergies",
                column: "encounter_id");

            migrationBuilder.CreateIndex(
                name: "ix_allergies_patient_id",
                schema: "clinical",
                table: "allergies",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_care_plans_care_team_id",
                schema: "clinical",
                table: "care_plans",
                column: "care_team_id");

            migrationBuilder.CreateIndex(
                name: "ix_care_plans_encounter_id",
                schema: "clinical",
                table: "care_plans",
                column: "encounter_id");

            migrationBuilder.CreateIndex(
                name: "ix_care_plans_patient_id",
                schema: "clinical",
                table: "care_plans",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_care_team_members_organization_id",
                schema: "clinical",
                table: "care_team_members",
                column: "organization_id");

            migrationBuilder.CreateIndex(
                name: "ix_care_team_members_practitioner_id_patient_id",
                schema: "clinical",
                table: "care_team_members",
                columns: new[] { "practitioner_id", "patient_id" });

            migrationBuilder.CreateIndex(
                name: "ix_care_teams_encounter_id",
                schema: "clinical",
                table: "care_teams",
                column: "encounter_id");

            migrationBuilder.CreateIndex(
                name: "ix_care_teams_managing_organization_id",
                schema: "clinical",
                table: "care_teams",
                column: "managing_organization_id");

            migrationBuilder.CreateIndex(
                name: "ix_care_teams_patient_id",
                schema: "clinical",
                table: "care_teams",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_clinical_notes_author_id",
                schema: "clinical",
                table: "clinical_notes",
                column: "author_id");

            migrationBuilder.CreateIndex(
                name: "ix_clinical_notes_custodian_id",
                schema: "clinical",
                table: "clinical_notes",
                column: "custodian_id");

            migrationBuilder.CreateIndex(
                name: "ix_clinical_notes_encounter_id",
                schema: "clinical",
                table: "clinical_notes",
                column: "encounter_id");

            migrationBuilder.CreateIndex(
                name: "ix_clinical_notes_patient_id",
                schema: "clinical",
                table: "clinical_notes",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_conditions_encounter_id",
                schema: "clinical",
                table: "conditions",
                column: "encounter_id");

            migrationBuilder.CreateIndex(
                name: "ix_conditions_patient_id",
                schema: "clinical",
                table: "conditions",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_diagnostic_report_results_observation_id",
                schema: "clinical",
                table: "diagnostic_report_results",
                column: "observation_id");

            migrationBuilder.CreateIndex(
                name: "ix_diagnostic_reports_encounter_id",
                schema: "clinical",
                table: "diagnostic_reports",
                column: "encounter_id");

            migrationBuilder.CreateIndex(
                name: "ix_diagnostic_reports_patient_id",
                schema: "clinical",
                table: "diagnostic_reports",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_encounter_participants_practitioner_id_patient_id",
                schema: "clinical",
                table: "encounter_participants",
                columns: new[] { "practitioner_id", "patient_id" });

            migrationBuilder.CreateIndex(
                name: "ix_encounters_location_id",
                schema: "clinical",
                table: "encounters",
                column: "location_id");

            migrationBuilder.CreateIndex(
                name: "ix_encounters_patient_id_period_start",
                schema: "clinical",
                table: "encounters",
                columns: new[] { "patient_id", "period_start" },
                descending: new[] { false, true });

            migrationBuilder.CreateIndex(
                name: "ix_encounters_service_provider_id",
                schema: "clinical",
                table: "encounters",
                column: "service_provider_id");

            migrationBuilder.CreateIndex(
                name: "ix_imaging_studies_encounter_id",
                schema: "clinical",
                table: "imaging_studies",
                column: "encounter_id");

            migrationBuilder.CreateIndex(
                name: "ix_imaging_studies_patient_id",
                schema: "clinical",
                table: "imaging_studies",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_immunizations_encounter_id",
                schema: "clinical",
                table: "immunizations",
                column: "encounter_id");

            migrationBuilder.CreateIndex(
                name: "ix_immunizations_patient_id",
                schema: "clinical",
                table: "immunizations",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_locations_identifier_value_identifier_system",
                schema: "clinical",
                table: "locations",
                columns: new[] { "identifier_value", "identifier_system" });

            migrationBuilder.CreateIndex(
                name: "ix_locations_organization_id",
                schema: "clinical",
                table: "locations",
                column: "organization_id");

            migrationBuilder.CreateIndex(
                name: "ix_medication_administrations_encounter_id",
                schema: "clinical",
                table: "medication_administrations",
                column: "encounter_id");

            migrationBuilder.CreateIndex(
                name: "ix_medication_administrations_medication_id",
                schema: "clinical",
                table: "medication_administrations",
                column: "medication_id");

            migrationBuilder.CreateIndex(
                name: "ix_medication_administrations_patient_id",
                schema: "clinical",
                table: "medication_administrations",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_medication_requests_encounter_id",
                schema: "clinical",
                table: "medication_requests",
                column: "encounter_id");

            migrationBuilder.CreateIndex(
                name: "ix_medication_requests_medication_id",
                schema: "clinical",
                table: "medication_requests",
                column: "medication_id");

            migrationBuilder.CreateIndex(
                name: "ix_medication_requests_patient_id",
                schema: "clinical",
                table: "medication_requests",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_medication_requests_requester_id",
                schema: "clinical",
                table: "medication_requests",
                column: "requester_id");

            migrationBuilder.CreateIndex(
                name: "ix_observations_encounter_id",
                schema: "clinical",
                table: "observations",
                column: "encounter_id");

            migrationBuilder.CreateIndex(
                name: "ix_observations_patient_id",
                schema: "clinical",
                table: "observations",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_observations_patient_id_code_effective_at",
                schema: "clinical",
                table: "observations",
                columns: new[] { "patient_id", "code", "effective_at" });

            migrationBuilder.CreateIndex(
                name: "ix_organizations_identifier_value_identifier_system",
                schema: "clinical",
                table: "organizations",
                columns: new[] { "identifier_value", "identifier_system" });

            migrationBuilder.CreateIndex(
                name: "ix_patient_identifiers_value_system",
                schema: "clinical",
                table: "patient_identifiers",
                columns: new[] { "value", "system" });

            migrationBuilder.CreateIndex(
                name: "ix_patients_birth_date",
                schema: "clinical",
                table: "patients",
                column: "birth_date");

            migrationBuilder.CreateIndex(
                name: "ix_patients_mrn",
                schema: "clinical",
                table: "patients",
                column: "mrn");

            migrationBuilder.CreateIndex(
                name: "ix_patients_search_name",
                schema: "clinical",
                table: "patients",
                column: "search_name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_practitioner_roles_location_id",
                schema: "clinical",
                table: "practitioner_roles",
                column: "location_id");

            migrationBuilder.CreateIndex(
                name: "ix_practitioner_roles_organization_id",
                schema: "clinical",
                table: "practitioner_roles",
                column: "organization_id");

            migrationBuilder.CreateIndex(
                name: "ix_practitioner_roles_practitioner_id",
                schema: "clinical",
                table: "practitioner_roles",
                column: "practitioner_id");

            migrationBuilder.CreateIndex(
                name: "ix_practitioners_npi",
                schema: "clinical",
                table: "practitioners",
                column: "npi");

            migrationBuilder.CreateIndex(
                name: "ix_procedures_encounter_id",
                schema: "clinical",
                table: "procedures",
                column: "encounter_id");

            migrationBuilder.CreateIndex(
                name: "ix_procedures_patient_id",
                schema: "clinical",
                table: "procedures",
                column: "patient_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "allergies",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "care_plans",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "care_team_members",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "clinical_notes",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "conditions",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "diagnostic_report_results",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "encounter_participants",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "imaging_studies",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "immunizations",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "medication_administrations",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "medication_requests",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "observation_components",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "patient_identifiers",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "practitioner_roles",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "procedures",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "care_teams",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "diagnostic_reports",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "medications",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "observations",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "practitioners",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "encounters",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "locations",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "patients",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "organizations",
                schema: "clinical");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");
        }
    }
}
