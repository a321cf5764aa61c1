using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class CoreBuildingBlocks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "sensitivity_labels",
                schema: "access",
                columns: table => new
                {
                    code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    code_system = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    regulation = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    blocks_release_without_authorization = table.Column<bool>(type: "boolean", nullable: false),
                    labels_encounter = table.Column<bool>(type: "boolean", nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sensitivity_labels", x => x.code);
                });

            migrationBuilder.CreateTable(
                name: "throttle_windows",
                schema: "access",
                columns: table => new
                {
                    key_hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    window_start = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    window_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    hits = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_throttle_windows", x => new { x.key_hash, x.window_start });
                });

            migrationBuilder.CreateTable(
                name: "used_one_time_codes",
                schema: "access",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    purpose = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    time_step = table.Column<long>(type: "bigint", nullable: false),
                    code_hash = table.Column<byte[]>(type: "bytea", maxLength: 32, nullable: false),
                    used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_used_one_time_codes", x => new { x.user_id, x.purpose, x.time_step, x.code_hash });
                });

            migrationBuilder.CreateTable(
                name: "item_sensitivity_labels",
                schema: "access",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    label_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    resource_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    source = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    matched_code = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    labelled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    labelled_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    removed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    removed_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    removal_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_item_sensitivity_labels", x => x.id);
                    table.CheckConstraint("ck_item_sensitivity_labels_source", "source IN ('manual','rule')");
                    table.ForeignKey(
                        name: "fk_item_sensitivity_labels_patient_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_item_sensitivity_labels_sensitivity_labels_label_code",
                        column: x => x.label_code,
                        principalSchema: "access",
                        principalTable: "sensitivity_labels",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "sensitivity_code_rules",
                schema: "access",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    label_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    code_system = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    prefix = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sensitivity_code_rules", x => x.id);
                    table.ForeignKey(
                        name: "fk_sensitivity_code_rules_sensitivity_labels_label_code",
                        column: x => x.label_code,
                        principalSchema: "access",
                        principalTable: "sensitivity_labels",
                        principalColumn: "code",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                schema: "access",
                table: "sensitivity_labels",
                columns: new[] { "code", "active", "blocks_release_without_authorization", "code_system", "labels_encounter", "regulation", "title", "updated_at", "updated_by_user_id" },
                values: new object[,]
                {
                    { "BH", true, false, "http://terminology.hl7.org/CodeSystem/v3-ActCode", false, "State mental-health confidentiality law; psychotherapy notes are labelled PSYTHPN (45 CFR 164.508(a)(2))", "Behavioral and mental health information", new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null },
                    { "GDIS", true, false, "http://terminology.hl7.org/CodeSystem/v3-ActCode", false, "Genetic Information Nondiscrimination Act of 2008 (Pub. L. 110-233); 45 CFR 164.502(a)(5)(i) (no use by health plans for underwriting)", "Genetic information", new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null },
                    { "HIV", true, true, "http://terminology.hl7.org/CodeSystem/v3-ActCode", true, "State HIV/AIDS confidentiality law (specific written consent to disclose in most states)", "HIV/AIDS information", new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null },
                    { "PSYTHPN", true, true, "http://terminology.hl7.org/CodeSystem/v3-ActCode", false, "45 CFR 164.501 (definition); 164.508(a)(2) (authorization required); 164.524(a)(1)(i) (outside the right of access)", "Psychotherapy notes", new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null },
                    { "SEX", true, true, "http://terminology.hl7.org/CodeSystem/v3-ActCode", true, "State minor-consent and reproductive-health privacy law; 45 CFR 164.502(g)(3) (a parent is not the personal representative for care the minor consented to)", "Sexual and reproductive health, including care a minor consented to", new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null },
                    { "SUD", true, true, "http://terminology.hl7.org/CodeSystem/v3-ActCode", true, "42 CFR Part 2: 2.12 (records covered), 2.31 (consent), 2.32 (notice to accompany disclosure); tobacco and caffeine are not covered (2.11)", "Substance use disorder records (42 CFR Part 2)", new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null }
                });

            migrationBuilder.InsertData(
                schema: "access",
                table: "sensitivity_code_rules",
                columns: new[] { "id", "code", "code_system", "label_code", "prefix" },
                values: new object[,]
                {
                    { new Guid("04aa582f-42a7-9e6d-d34b-f49c02126a96"), "O98.7", "http://hl7.org/fhir/sid/icd-10-cm", "HIV", true },
                    { new Guid("079b1e3f-47b6-094a-7af2-19388a5130db"), "F16", "http://hl7.org/fhir/sid/icd-10-cm", "SUD", true },
                    { new Guid("0ffc9402-af34-0277-187a-e3efce16b967"), "Z21", "http://hl7.org/fhir/sid/icd-10-cm", "HIV", true },
                    { new Guid("1b339ea9-bf12-b1ba-33ac-757c921476aa"), "13746004", "http://snomed.info/sct", "BH", false },
                    { new Guid("2e1de0ba-beae-f38e-4e64-713c2dd32e0e"), "Z33.2", "http://hl7.org/fhir/sid/icd-10-cm", "SEX", true },
                    { new Guid("382b9e47-debf-a41b-eeec-d094bf3638a5"), "34904-3", "http://loinc.org", "BH", false },
                    { new Guid("3bc9f6b9-e576-e5ae-3e19-5b9a7aa40089"), "F9", "http://hl7.org/fhir/sid/icd-10-cm", "BH", true },
                    { new Guid("3fef8422-06e8-0d12-9b31-2a997d7f8f94"), "F19", "http://hl7.org/fhir/sid/icd-10-cm", "SUD", true },
                    { new Guid("43db42ad-fe7e-052e-16c8-4e972b9e2274"), "62479008", "http://snomed.info/sct", "HIV", false },
                    { new Guid("45cae885-cee5-bf5f-9b24-2fc2c834380a"), "89365-1", "http://loinc.org", "HIV", false },
                    { new Guid("476d39de-75a2-ce4e-2bf1-39179a430a39"), "F15", "http://hl7.org/fhir/sid/icd-10-cm", "SUD", true },
                    { new Guid("4e6b9fd6-9a0a-4212-77c4-98aa319d67af"), "B20", "http://hl7.org/fhir/sid/icd-10-cm", "HIV", true },
                    { new Guid("4ee9c415-0de5-3499-d1d2-74470b792bf6"), "A64", "http://hl7.org/fhir/sid/icd-10-cm", "SEX", true },
                    { new Guid("527fce91-3b1e-9653-4209-b19f289e334a"), "F4", "http://hl7.org/fhir/sid/icd-10-cm", "BH", true },
                    { new Guid("5496b1f3-2337-cce2-cd0a-a33e90507ff0"), "F3", "http://hl7.org/fhir/sid/icd-10-cm", "BH", true },
                    { new Guid("54c0cad6-ee65-eafe-96b5-4fa12bf10aa9"), "6525002", "http://snomed.info/sct", "SUD", false },
                    { new Guid("5729d396-cbfb-abe4-98a3-ceab7b4a851e"), "F2", "http://hl7.org/fhir/sid/icd-10-cm", "BH", true },
                    { new Guid("5a7155be-85e8-3373-123d-6d1fa14f0058"), "66214007", "http://snomed.info/sct", "SUD", false },
                    { new Guid("5e46a4c5-e06a-5638-a9e8-0dec0cc102db"), "A5", "http://hl7.org/fhir/sid/icd-10-cm", "SEX", true },
                    { new Guid("64cb6f3d-0da5-dae6-11f4-850aa1feb40a"), "81247-9", "http://loinc.org", "GDIS", false },
                    { new Guid("6b4d4569-8a8a-2930-c77c-66c0d7c334fb"), "51969-4", "http://loinc.org", "GDIS", false },
                    { new Guid("777ecd9e-7abc-eca5-f58c-37af85c46a4c"), "47505003", "http://snomed.info/sct", "BH", false },
                    { new Guid("7787ae1b-18d1-d6cd-375b-916e2fd634bf"), "A63", "http://hl7.org/fhir/sid/icd-10-cm", "SEX", true },
                    { new Guid("779ab46e-45de-8f76-c3c5-7eef7ea0be6c"), "44249-1", "http://loinc.org", "BH", false },
                    { new Guid("7f9358b7-eb71-8514-b7e2-6ed01d73639e"), "F11", "http://hl7.org/fhir/sid/icd-10-cm", "SUD", true },
                    { new Guid("8141edde-c010-586b-1dc5-bc93759c0ff6"), "165816005", "http://snomed.info/sct", "HIV", false },
                    { new Guid("816f6b19-eb41-e60c-94bc-0df1ff891d23"), "Z30", "http://hl7.org/fhir/sid/icd-10-cm", "SEX", true },
                    { new Guid("8dc5c831-3c04-1a61-1a00-af88ef4d1e8e"), "11510-5", "http://loinc.org", "BH", false },
                    { new Guid("9096e1b7-6383-3756-bf75-a06930be87f1"), "7200002", "http://snomed.info/sct", "SUD", false },
                    { new Guid("965a6344-8605-6dee-2216-5b9b076c638c"), "A60", "http://hl7.org/fhir/sid/icd-10-cm", "SEX", true },
                    { new Guid("9715ce82-fd15-26f8-24dc-54e69e2c9e15"), "28627-8", "http://loinc.org", "BH", false },
                    { new Guid("977e985b-1950-4f10-7d35-343c4b8babbf"), "34785-6", "http://loinc.org", "BH", false },
                    { new Guid("9e9ee120-1a5a-c183-b857-bd8be0b54a72"), "86406008", "http://snomed.info/sct", "HIV", false },
                    { new Guid("a6f987bf-4612-45a4-df65-c0aaec310418"), "370143000", "http://snomed.info/sct", "BH", false },
                    { new Guid("aa86156a-bd59-fbf4-70b4-6144052e6561"), "35489007", "http://snomed.info/sct", "BH", false },
                    { new Guid("acd30c2a-27a7-b289-5fcf-ac4e46a8b9b4"), "F5", "http://hl7.org/fhir/sid/icd-10-cm", "BH", true },
                    { new Guid("ad98c4fc-8407-235d-de2b-04a7ed38c3c0"), "F14", "http://hl7.org/fhir/sid/icd-10-cm", "SUD", true },
                    { new Guid("addf07e9-04e9-bdd1-4913-469a36004bd8"), "197480006", "http://snomed.info/sct", "BH", false },
                    { new Guid("b19b4edc-8b83-c4d3-69a7-287ebfaa089b"), "9836-8", "http://loinc.org", "HIV", false },
                    { new Guid("b542e72a-6a49-aaf7-6867-4354dcdab0b1"), "F18", "http://hl7.org/fhir/sid/icd-10-cm", "SUD", true },
                    { new Guid("b821181c-56fb-3def-72e5-7d3662a5e467"), "F12", "http://hl7.org/fhir/sid/icd-10-cm", "SUD", true },
                    { new Guid("bc1cf87b-98b0-e05f-f0e0-f7203dc450e9"), "F10", "http://hl7.org/fhir/sid/icd-10-cm", "SUD", true },
                    { new Guid("cc7b5a43-e690-77ff-50ad-4957a7532c8b"), "O04", "http://hl7.org/fhir/sid/icd-10-cm", "SEX", true },
                    { new Guid("d437e295-1125-25ab-0540-d7c2f6c12c14"), "F13", "http://hl7.org/fhir/sid/icd-10-cm", "SUD", true },
                    { new Guid("ddbe5f5a-8578-b58e-c972-1917807d1570"), "58214004", "http://snomed.info/sct", "BH", false },
                    { new Guid("e7854bec-23ac-f097-3eaa-7ab3cf5f8edb"), "80203-3", "http://loinc.org", "HIV", false },
                    { new Guid("eb690b45-106a-a710-bd5a-ba983640bd81"), "5602001", "http://snomed.info/sct", "SUD", false },
                    { new Guid("fd175cdf-862d-3d08-e7eb-6fc618e635c0"), "F6", "http://hl7.org/fhir/sid/icd-10-cm", "BH", true }
                });

            migrationBuilder.CreateIndex(
                name: "ix_item_sensitivity_labels_label_code",
                schema: "access",
                table: "item_sensitivity_labels",
                column: "label_code");

            migrationBuilder.CreateIndex(
                name: "ix_item_sensitivity_labels_patient_id_resource_type_resource_id",
                schema: "access",
                table: "item_sensitivity_labels",
                columns: new[] { "patient_id", "resource_type", "resource_id" });

            migrationBuilder.CreateIndex(
                name: "ix_item_sensitivity_labels_resource_type_resource_id_label_code",
                schema: "access",
                table: "item_sensitivity_labels",
                columns: new[] { "resource_type", "resource_id", "label_code" },
                unique: true,
                filter: "removed_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_sensitivity_code_rules_label_code_code_system_code",
                schema: "access",
                table: "sensitivity_code_rules",
                columns: new[] { "label_code", "code_system", "code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_throttle_windows_window_end",
                schema: "access",
                table: "throttle_windows",
                column: "window_end");

            migrationBuilder.CreateIndex(
                name: "ix_used_one_time_codes_expires_at",
                schema: "access",
                table: "used_one_time_codes",
                column: "expires_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "item_sensitivity_labels",
                schema: "access");

            migrationBuilder.DropTable(
                name: "sensitivity_code_rules",
                schema: "access");

            migrationBuilder.DropTable(
                name: "throttle_windows",
                schema: "access");

            migrationBuilder.DropTable(
                name: "used_one_time_codes",
                schema: "access");

            migrationBuilder.DropTable(
                name: "sensitivity_labels",
                schema: "access");
        }
    }
}
