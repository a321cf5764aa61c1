using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class ClinicalReferenceChecks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_allergies_encounter_encounter_id",
                schema: "clinical",
                table: "allergies");

            migrationBuilder.DropForeignKey(
                name: "fk_allergies_patient_patient_id",
                schema: "clinical",
                table: "allergies");

            migrationBuilder.DropForeignKey(
                name: "fk_care_plans_care_team_care_team_id",
                schema: "clinical",
                table: "care_plans");

            migrationBuilder.DropForeignKey(
                name: "fk_care_plans_encounter_encounter_id",
                schema: "clinical",
                table: "care_plans");

            migrationBuilder.DropForeignKey(
                name: "fk_care_plans_patient_patient_id",
                schema: "clinical",
                table: "care_plans");

            migrationBuilder.DropForeignKey(
                name: "fk_care_team_members_care_teams_parent_id",
                schema: "clinical",
                table: "care_team_members");

            migrationBuilder.DropForeignKey(
                name: "fk_care_team_members_organization_organization_id",
                schema: "clinical",
                table: "care_team_members");

            migrationBuilder.DropForeignKey(
                name: "fk_care_team_members_practitioner_practitioner_id",
                schema: "clinical",
                table: "care_team_members");

            migrationBuilder.DropForeignKey(
                name: "fk_care_teams_encounter_encounter_id",
                schema: "clinical",
                table: "care_teams");

            migrationBuilder.DropForeignKey(
                name: "fk_care_teams_organization_managing_organization_id",
                schema: "clinical",
                table: "care_teams");

            migrationBuilder.DropForeignKey(
                name: "fk_care_teams_patient_patient_id",
                schema: "clinical",
                table: "care_teams");

            migrationBuilder.DropForeignKey(
                name: "fk_clinical_notes_encounter_encounter_id",
                schema: "clinical",
                table: "clinical_notes");

            migrationBuilder.DropForeignKey(
                name: "fk_clinical_notes_organization_custodian_id",
                schema: "clinical",
                table: "clinical_notes");

            migrationBuilder.DropForeignKey(
                name: "fk_clinical_notes_patient_patient_id",
                schema: "clinical",
                table: "clinical_notes");

            migrationBuilder.DropForeignKey(
                name: "fk_clinical_notes_practitioner_author_id",
                schema: "clinical",
                table: "clinical_notes");

            migrationBuilder.DropForeignKey(
                name: "fk_conditions_encounter_encounter_id",
                schema: "clinical",
                table: "conditions");

            migrationBuilder.DropForeignKey(
                name: "fk_conditions_patient_patient_id",
                schema: "clinical",
                table: "conditions");

            migrationBuilder.DropForeignKey(
                name: "fk_diagnostic_report_results_diagnostic_reports_parent_id",
                schema: "clinical",
                table: "diagnostic_report_results");

            migrationBuilder.DropForeignKey(
                name: "fk_diagnostic_report_results_observation_observation_id",
                schema: "clinical",
                table: "diagnostic_report_results");

            migrationBuilder.DropForeignKey(
                name: "fk_diagnostic_reports_encounter_encounter_id",
                schema: "clinical",
                table: "diagnostic_reports");

            migrationBuilder.DropForeignKey(
                name: "fk_diagnostic_reports_patient_patient_id",
                schema: "clinical",
                table: "diagnostic_reports");

            migrationBuilder.DropForeignKey(
                name: "fk_encounter_participants_encounters_parent_id",
                schema: "clinical",
                table: "encounter_participants");

            migrationBuilder.DropForeignKey(
                name: "fk_encounter_participants_practitioner_practitioner_id",
                schema: "clinical",
                table: "encounter_participants");

            migrationBuilder.DropForeignKey(
                name: "fk_encounters_location_location_id",
                schema: "clinical",
                table: "encounters");

            migrationBuilder.DropForeignKey(
                name: "fk_encounters_organization_service_provider_id",
                schema: "clinical",
                table: "encounters");

            migrationBuilder.DropForeignKey(
                name: "fk_encounters_patient_patient_id",
                schema: "clinical",
                table: "encounters");

            migrationBuilder.DropForeignKey(
                name: "fk_imaging_studies_encounters_encounter_id",
                schema: "clinical",
                table: "imaging_studies");

            migrationBuilder.DropForeignKey(
                name: "fk_imaging_studies_patient_patient_id",
                schema: "clinical",
                table: "imaging_studies");

            migrationBuilder.DropForeignKey(
                name: "fk_immunizations_encounters_encounter_id",
                schema: "clinical",
                table: "immunizations");

            migrationBuilder.DropForeignKey(
                name: "fk_immunizations_patient_patient_id",
                schema: "clinical",
                table: "immunizations");

            migrationBuilder.DropForeignKey(
                name: "fk_locations_organization_organization_id",
                schema: "clinical",
                table: "locations");

            migrationBuilder.DropForeignKey(
                name: "fk_medication_administrations_encounters_encounter_id",
                schema: "clinical",
                table: "medication_administrations");

            migrationBuilder.DropForeignKey(
                name: "fk_medication_administrations_medication_medication_id",
                schema: "clinical",
                table: "medication_administrations");

            migrationBuilder.DropForeignKey(
                name: "fk_medication_administrations_patient_patient_id",
                schema: "clinical",
                table: "medication_administrations");

            migrationBuilder.DropForeignKey(
                name: "fk_medication_requests_encounters_encounter_id",
                schema: "clinical",
                table: "medication_requests");

            migrationBuilder.DropForeignKey(
                name: "fk_medication_requests_medications_medication_id",
                schema: "clinical",
                table: "medication_requests");

            migrationBuilder.DropForeignKey(
                name: "fk_medication_requests_patient_patient_id",
                schema: "clinical",
                table: "medication_requests");

            migrationBuilder.DropForeignKey(
                name: "fk_medication_requests_practitioner_requester_id",
                schema: "clinical",
                table: "medication_requests");

            migrationBuilder.DropForeignKey(
                name: "fk_observation_components_observation_parent_id",
                schema: "clinical",
                table: "observation_components");

            migrationBuilder.DropForeignKey(
                name: "fk_observations_encounters_encounter_id",
                schema: "clinical",
                table: "observations");

            migrationBuilder.DropForeignKey(
                name: "fk_observations_patient_patient_id",
                schema: "clinical",
                table: "observations");

            migrationBuilder.DropForeignKey(
                name: "fk_patient_identifiers_patients_parent_id",
                schema: "clinical",
                table: "patient_identifiers");

            migrationBuilder.DropForeignKey(
                name: "fk_practitioner_roles_locations_location_id",
                schema: "clinical",
                table: "practitioner_roles");

            migrationBuilder.DropForeignKey(
                name: "fk_practitioner_roles_organizations_organization_id",
                schema: "clinical",
                table: "practitioner_roles");

            migrationBuilder.DropForeignKey(
                name: "fk_practitioner_roles_practitioners_practitioner_id",
                schema: "clinical",
                table: "practitioner_roles");

            migrationBuilder.DropForeignKey(
                name: "fk_procedures_encounters_encounter_id",
                schema: "clinical",
                table: "procedures");

            migrationBuilder.DropForeignKey(
                name: "fk_procedures_patients_patient_id",
                schema: "clinical",
                table: "procedures");

            migrationBuilder.DropIndex(
                name: "ix_medication_requests_medication_id",
                schema: "clinical",
                table: "medication_requests");

            migrationBuilder.DropIndex(
                name: "ix_medication_requests_requester_id",
                schema: "clinical",
                table: "medication_requests");

            migrationBuilder.DropIndex(
                name: "ix_medication_administrations_medication_id",
                schema: "clinical",
                table: "medication_administrations");

            migrationBuilder.DropIndex(
                name: "ix_encounters_location_id",
                schema: "clinical",
                table: "encounters");

            migrationBuilder.DropIndex(
                name: "ix_encounters_service_provider_id",
                schema: "clinical",
                table: "encounters");

            migrationBuilder.DropIndex(
                name: "ix_clinical_notes_author_id",
                schema: "clinical",
                table: "clinical_notes");

            migrationBuilder.DropIndex(
                name: "ix_clinical_notes_custodian_id",
                schema: "clinical",
                table: "clinical_notes");

            migrationBuilder.DropIndex(
                name: "ix_care_teams_managing_organization_id",
                schema: "clinical",
                table: "care_teams");

            migrationBuilder.DropIndex(
                name: "ix_care_team_members_organization_id",
                schema: "clinical",
                table: "care_team_members");

            migrationBuilder.DropIndex(
                name: "ix_care_plans_care_team_id",
                schema: "clinical",
                table: "care_plans");

            migrationBuilder.Sql(ClinicalReferenceChecksSql.Create());
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ClinicalReferenceChecksSql.Drop());

            migrationBuilder.CreateIndex(
                name: "ix_medication_requests_medication_id",
                schema: "clinical",
                table: "medication_requests",
                column: "medication_id");

            migrationBuilder.CreateIndex(
                name: "ix_medication_requests_requester_id",
                schema: "clinical",
                table: "medication_requests",
                column: "requester_id");

            migrationBuilder.CreateIndex(
                name: "ix_medication_administrations_medication_id",
                schema: "clinical",
                table: "medication_administrations",
                column: "medication_id");

            migrationBuilder.CreateIndex(
                name: "ix_encounters_location_id",
                schema: "clinical",
                table: "encounters",
                column: "location_id");

            migrationBuilder.CreateIndex(
                name: "ix_encounters_service_provider_id",
                schema: "clinical",
                table: "encounters",
                column: "service_provider_id");

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
                name: "ix_care_teams_managing_organization_id",
                schema: "clinical",
                table: "care_teams",
                column: "managing_organization_id");

            migrationBuilder.CreateIndex(
                name: "ix_care_team_members_organization_id",
                schema: "clinical",
                table: "care_team_members",
                column: "organization_id");

            migrationBuilder.CreateIndex(
                name: "ix_care_plans_care_team_id",
                schema: "clinical",
                table: "care_plans",
                column: "care_team_id");

            migrationBuilder.AddForeignKey(
                name: "fk_allergies_encounter_encounter_id",
                schema: "clinical",
                table: "allergies",
                column: "encounter_id",
                principalSchema: "clinical",
                principalTable: "encounters",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_allergies_patient_patient_id",
                schema: "clinical",
                table: "allergies",
                column: "patient_id",
                principalSchema: "clinical",
                principalTable: "patients",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_care_plans_care_team_care_team_id",
                schema: "clinical",
                table: "care_plans",
                column: "care_team_id",
                principalSchema: "clinical",
                principalTable: "care_teams",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_care_plans_encounter_encounter_id",
                schema: "clinical",
                table: "care_plans",
                column: "encounter_id",
                principalSchema: "clinical",
                principalTable: "encounters",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_care_plans_patient_patient_id",
                schema: "clinical",
                table: "care_plans",
                column: "patient_id",
                principalSchema: "clinical",
                principalTable: "patients",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_care_team_members_care_teams_parent_id",
                schema: "clinical",
                table: "care_team_members",
                column: "parent_id",
                principalSchema: "clinical",
                principalTable: "care_teams",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_care_team_members_organization_organization_id",
                schema: "clinical",
                table: "care_team_members",
                column: "organization_id",
                principalSchema: "clinical",
                principalTable: "organizations",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_care_team_members_practitioner_practitioner_id",
                schema: "clinical",
                table: "care_team_members",
                column: "practitioner_id",
                principalSchema: "clinical",
                principalTable: "practitioners",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_care_teams_encounter_encounter_id",
                schema: "clinical",
                table: "care_teams",
                column: "encounter_id",
                principalSchema: "clinical",
                principalTable: "encounters",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_care_teams_organization_managing_organization_id",
                schema: "clinical",
                table: "care_teams",
                column: "managing_organization_id",
                principalSchema: "clinical",
                principalTable: "organizations",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_care_teams_patient_patient_id",
                schema: "clinical",
                table: "care_teams",
                column: "patient_id",
                principalSchema: "clinical",
                principalTable: "patients",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_clinical_notes_encounter_encounter_id",
                schema: "clinical",
                table: "clinical_notes",
                column: "encounter_id",
                principalSchema: "clinical",
                principalTable: "encounters",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_clinical_notes_organization_custodian_id",
                schema: "clinical",
                table: "clinical_notes",
                column: "custodian_id",
                principalSchema: "clinical",
                principalTable: "organizations",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_clinical_notes_patient_patient_id",
                schema: "clinical",
                table: "clinical_notes",
                column: "patient_id",
                principalSchema: "clinical",
                principalTable: "patients",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_clinical_notes_practitioner_author_id",
                schema: "clinical",
                table: "clinical_notes",
                column: "author_id",
                principalSchema: "clinical",
                principalTable: "practitioners",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_conditions_encounter_encounter_id",
                schema: "clinical",
                table: "conditions",
                column: "encounter_id",
                principalSchema: "clinical",
                principalTable: "encounters",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_conditions_patient_patient_id",
                schema: "clinical",
                table: "conditions",
                column: "patient_id",
                principalSchema: "clinical",
                principalTable: "patients",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_diagnostic_report_results_diagnostic_reports_parent_id",
                schema: "clinical",
                table: "diagnostic_report_results",
                column: "parent_id",
                principalSchema: "clinical",
                principalTable: "diagnostic_reports",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_diagnostic_report_results_observation_observation_id",
                schema: "clinical",
                table: "diagnostic_report_results",
                column: "observation_id",
                principalSchema: "clinical",
                principalTable: "observations",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_diagnostic_reports_encounter_encounter_id",
                schema: "clinical",
                table: "diagnostic_reports",
                column: "encounter_id",
                principalSchema: "clinical",
                principalTable: "encounters",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_diagnostic_reports_patient_patient_id",
                schema: "clinical",
                table: "diagnostic_reports",
                column: "patient_id",
                principalSchema: "clinical",
                principalTable: "patients",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_encounter_participants_encounters_parent_id",
                schema: "clinical",
                table: "encounter_participants",
                column: "parent_id",
                principalSchema: "clinical",
                principalTable: "encounters",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_encounter_participants_practitioner_practitioner_id",
                schema: "clinical",
                table: "encounter_participants",
                column: "practitioner_id",
                principalSchema: "clinical",
                principalTable: "practitioners",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_encounters_location_location_id",
                schema: "clinical",
                table: "encounters",
                column: "location_id",
                principalSchema: "clinical",
                principalTable: "locations",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_encounters_organization_service_provider_id",
                schema: "clinical",
                table: "encounters",
                column: "service_provider_id",
                principalSchema: "clinical",
                principalTable: "organizations",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_encounters_patient_patient_id",
                schema: "clinical",
                table: "encounters",
                column: "patient_id",
                principalSchema: "clinical",
                principalTable: "patients",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_imaging_studies_encounters_encounter_id",
                schema: "clinical",
                table: "imaging_studies",
                column: "encounter_id",
                principalSchema: "clinical",
                principalTable: "encounters",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_imaging_studies_patient_patient_id",
                schema: "clinical",
                table: "imaging_studies",
                column: "patient_id",
                principalSchema: "clinical",
                principalTable: "patients",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_immunizations_encounters_encounter_id",
                schema: "clinical",
                table: "immunizations",
                column: "encounter_id",
                principalSchema: "clinical",
                principalTable: "encounters",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_immunizations_patient_patient_id",
                schema: "clinical",
                table: "immunizations",
                column: "patient_id",
                principalSchema: "clinical",
                principalTable: "patients",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_locations_organization_organization_id",
                schema: "clinical",
                table: "locations",
                column: "organization_id",
                principalSchema: "clinical",
                principalTable: "organizations",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_medication_administrations_encounters_encounter_id",
                schema: "clinical",
                table: "medication_administrations",
                column: "encounter_id",
                principalSchema: "clinical",
                principalTable: "encounters",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_medication_administrations_medication_medication_id",
                schema: "clinical",
                table: "medication_administrations",
                column: "medication_id",
                principalSchema: "clinical",
                principalTable: "medications",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_medication_administrations_patient_patient_id",
                schema: "clinical",
                table: "medication_administrations",
                column: "patient_id",
                principalSchema: "clinical",
                principalTable: "patients",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_medication_requests_encounters_encounter_id",
                schema: "clinical",
                table: "medication_requests",
                column: "encounter_id",
                principalSchema: "clinical",
                principalTable: "encounters",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_medication_requests_medications_medication_id",
                schema: "clinical",
                table: "medication_requests",
                column: "medication_id",
                principalSchema: "clinical",
                principalTable: "medications",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_medication_requests_patient_patient_id",
                schema: "clinical",
                table: "medication_requests",
                column: "patient_id",
                principalSchema: "clinical",
                principalTable: "patients",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_medication_requests_practitioner_requester_id",
                schema: "clinical",
                table: "medication_requests",
                column: "requester_id",
                principalSchema: "clinical",
                principalTable: "practitioners",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_observation_components_observation_parent_id",
                schema: "clinical",
                table: "observation_components",
                column: "parent_id",
                principalSchema: "clinical",
                principalTable: "observations",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_observations_encounters_encounter_id",
                schema: "clinical",
                table: "observations",
                column: "encounter_id",
                principalSchema: "clinical",
                principalTable: "encounters",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_observations_patient_patient_id",
                schema: "clinical",
                table: "observations",
                column: "patient_id",
                principalSchema: "clinical",
                principalTable: "patients",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_patient_identifiers_patients_parent_id",
                schema: "clinical",
                table: "patient_identifiers",
                column: "parent_id",
                principalSchema: "clinical",
                principalTable: "patients",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_practitioner_roles_locations_location_id",
                schema: "clinical",
                table: "practitioner_roles",
                column: "location_id",
                principalSchema: "clinical",
                principalTable: "locations",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_practitioner_roles_organizations_organization_id",
                schema: "clinical",
                table: "practitioner_roles",
                column: "organization_id",
                principalSchema: "clinical",
                principalTable: "organizations",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_practitioner_roles_practitioners_practitioner_id",
                schema: "clinical",
                table: "practitioner_roles",
                column: "practitioner_id",
                principalSchema: "clinical",
                principalTable: "practitioners",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_procedures_encounters_encounter_id",
                schema: "clinical",
                table: "procedures",
                column: "encounter_id",
                principalSchema: "clinical",
                principalTable: "encounters",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_procedures_patients_patient_id",
                schema: "clinical",
                table: "procedures",
                column: "patient_id",
                principalSchema: "clinical",
                principalTable: "patients",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }
    }

    /// <summary>
    /// The clinical record's references, checked once per statement rather than by a foreign key's per-row trigger (ADR
    /// 0012). Literal here, as a migration must stay what it was when it ran: a later table adds its own check in its own
    /// migration, and ClinicalReferenceCheckTests fails on any reference column (*_id) left without one.
    /// </summary>
    internal static class ClinicalReferenceChecksSql
    {
        /// <summary>Each table with references: (column, referenced table) pairs.</summary>
        private static readonly (string Table, (string Column, string Referenced)[] References)[] Tables =
        [
            ("clinical.allergies", [("encounter_id", "clinical.encounters"), ("patient_id", "clinical.patients")]),
            ("clinical.care_plans", [("care_team_id", "clinical.care_teams"), ("encounter_id", "clinical.encounters"), ("patient_id", "clinical.patients")]),
            ("clinical.care_team_members", [("organization_id", "clinical.organizations"), ("parent_id", "clinical.care_teams"), ("patient_id", "clinical.patients"), ("practitioner_id", "clinical.practitioners")]),
            ("clinical.care_teams", [("encounter_id", "clinical.encounters"), ("managing_organization_id", "clinical.organizations"), ("patient_id", "clinical.patients")]),
            ("clinical.clinical_notes", [("author_id", "clinical.practitioners"), ("custodian_id", "clinical.organizations"), ("encounter_id", "clinical.encounters"), ("patient_id", "clinical.patients")]),
            ("clinical.conditions", [("encounter_id", "clinical.encounters"), ("patient_id", "clinical.patients")]),
            ("clinical.diagnostic_report_results", [("observation_id", "clinical.observations"), ("parent_id", "clinical.diagnostic_reports")]),
            ("clinical.diagnostic_reports", [("encounter_id", "clinical.encounters"), ("patient_id", "clinical.patients")]),
            ("clinical.encounter_participants", [("parent_id", "clinical.encounters"), ("patient_id", "clinical.patients"), ("practitioner_id", "clinical.practitioners")]),
            ("clinical.encounters", [("location_id", "clinical.locations"), ("patient_id", "clinical.patients"), ("service_provider_id", "clinical.organizations")]),
            ("clinical.imaging_studies", [("encounter_id", "clinical.encounters"), ("patient_id", "clinical.patients")]),
            ("clinical.immunizations", [("encounter_id", "clinical.encounters"), ("patient_id", "clinical.patients")]),
            ("clinical.locations", [("organization_id", "clinical.organizations")]),
            ("clinical.medication_administrations", [("encounter_id", "clinical.encounters"), ("medication_id", "clinical.medications"), ("patient_id", "clinical.patients")]),
            ("clinical.medication_requests", [("encounter_id", "clinical.encounters"), ("medication_id", "clinical.medications"), ("patient_id", "clinical.patients"), ("requester_id", "clinical.practitioners")]),
            ("clinical.observation_components", [("parent_id", "clinical.observations")]),
            ("clinical.observations", [("encounter_id", "clinical.encounters"), ("patient_id", "clinical.patients")]),
            ("clinical.patient_identifiers", [("parent_id", "clinical.patients")]),
            ("clinical.practitioner_roles", [("location_id", "clinical.locations"), ("organization_id", "clinical.organizations"), ("practitioner_id", "clinical.practitioners")]),
            ("clinical.procedures", [("encounter_id", "clinical.encounters"), ("patient_id", "clinical.patients")]),
        ];

        /// <summary>The tables of whole resources: never deleted or truncated, their key never changed.</summary>
        private static readonly string[] Resources =
        [
            "clinical.allergies",
            "clinical.care_plans",
            "clinical.care_teams",
            "clinical.clinical_notes",
            "clinical.conditions",
            "clinical.diagnostic_reports",
            "clinical.encounters",
            "clinical.imaging_studies",
            "clinical.immunizations",
            "clinical.locations",
            "clinical.medication_administrations",
            "clinical.medication_requests",
            "clinical.medications",
            "clinical.observations",
            "clinical.organizations",
            "clinical.patients",
            "clinical.practitioner_roles",
            "clinical.practitioners",
            "clinical.procedures",
        ];

        public static string Create()
        {
            var sql = new StringBuilder("""
                CREATE FUNCTION clinical.refuse_record_removal() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    RAISE EXCEPTION '% on table "%" is refused: the clinical record is amended, never deleted',
                        TG_OP, TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
                END $fn$;
                CREATE FUNCTION clinical.refuse_key_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    RAISE EXCEPTION 'the key of a row of table "%" cannot change: other rows refer to it',
                        TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
                END $fn$;

                """);
            foreach (var (table, references) in Tables)
            {
                var name = table["clinical.".Length..];
                // Static queries (plans kept per session) over the statement's distinct keys, each probing the referenced
                // table's primary key: hash and merge joins would scan the whole referenced table once per statement.
                sql.Append(CultureInfo.InvariantCulture, $"""
                    CREATE FUNCTION clinical.check_{name}_references() RETURNS trigger LANGUAGE plpgsql
                        SET enable_hashjoin = off SET enable_mergejoin = off AS $fn$
                    DECLARE
                        missing uuid;
                    BEGIN

                    """);
                foreach (var (column, referenced) in references)
                {
                    sql.Append(CultureInfo.InvariantCulture, $"""
                            SELECT k.id INTO missing FROM (SELECT DISTINCT n.{column} AS id FROM new_rows n WHERE n.{column} IS NOT NULL) k
                                WHERE NOT EXISTS (SELECT FROM {referenced} r WHERE r.id = k.id) LIMIT 1;
                            IF missing IS NOT NULL THEN
                                RAISE EXCEPTION 'insert or update on table "{table}" violates the reference "{column}": key % is not present in table "{referenced}"',
                                    missing USING ERRCODE = 'foreign_key_violation', SCHEMA = 'clinical', TABLE = '{name}', COLUMN = '{column}';
                            END IF;

                        """);
                }

                sql.Append(CultureInfo.InvariantCulture, $"""
                        RETURN NULL;
                    END $fn$;
                    CREATE TRIGGER check_references_on_insert AFTER INSERT ON {table}
                        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION clinical.check_{name}_references();
                    CREATE TRIGGER check_references_on_update AFTER UPDATE ON {table}
                        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION clinical.check_{name}_references();

                    """);
            }

            foreach (var table in Resources)
            {
                sql.Append(CultureInfo.InvariantCulture, $"""
                    CREATE TRIGGER refuse_delete BEFORE DELETE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION clinical.refuse_record_removal();
                    CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION clinical.refuse_record_removal();
                    CREATE TRIGGER refuse_key_change BEFORE UPDATE OF id ON {table}
                        FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION clinical.refuse_key_change();

                    """);
            }

            return sql.ToString();
        }

        public static string Drop()
        {
            var sql = new StringBuilder();
            foreach (var (table, _) in Tables)
            {
                sql.Append(CultureInfo.InvariantCulture,
                    $"DROP TRIGGER check_references_on_insert ON {table}; DROP TRIGGER check_references_on_update ON {table}; DROP FUNCTION clinical.check_{table["clinical.".Length..]}_references();\n");
            }

            foreach (var table in Resources)
            {
                sql.Append(CultureInfo.InvariantCulture,
                    $"DROP TRIGGER refuse_delete ON {table}; DROP TRIGGER refuse_truncate ON {table}; DROP TRIGGER refuse_key_change ON {table};\n");
            }

            return sql.Append("DROP FUNCTION clinical.refuse_record_removal(); DROP FUNCTION clinical.refuse_key_change();\n").ToString();
        }
    }
}
