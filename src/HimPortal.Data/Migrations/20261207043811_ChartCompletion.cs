using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class ChartCompletion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_settings",
                schema: "roi",
                table: "settings");

            migrationBuilder.EnsureSchema(
                name: "completion");

            migrationBuilder.AddColumn<Guid>(
                name: "performer_id",
                schema: "clinical",
                table: "procedures",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string[]>(
                name: "mode_codes",
                schema: "clinical",
                table: "medication_requests",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);

            migrationBuilder.AddColumn<Guid>(
                name: "authenticator_id",
                schema: "clinical",
                table: "clinical_notes",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "doc_status",
                schema: "clinical",
                table: "clinical_notes",
                type: "text",
                nullable: true);

            migrationBuilder.AddPrimaryKey(
                name: "pk_settings1",
                schema: "roi",
                table: "settings",
                column: "id");

            migrationBuilder.CreateTable(
                name: "analysis_queue",
                schema: "completion",
                columns: table => new
                {
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: false),
                    queued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_analysis_queue", x => x.encounter_id);
                });

            migrationBuilder.CreateTable(
                name: "departments",
                schema: "completion",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    chief_practitioner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_departments", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "drafts",
                schema: "completion",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: false),
                    deficiency_id = table.Column<Guid>(type: "uuid", nullable: true),
                    author_user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    author_practitioner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    type_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    type_display = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    text = table.Column<string>(type: "text", nullable: false),
                    addendum_to_id = table.Column<Guid>(type: "uuid", nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    signed_document_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_drafts", x => x.id);
                    table.CheckConstraint("ck_drafts_status", "status IN ('draft', 'signed', 'discarded')");
                });

            migrationBuilder.CreateTable(
                name: "leaves",
                schema: "completion",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    practitioner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    from = table.Column<DateOnly>(type: "date", nullable: false),
                    until = table.Column<DateOnly>(type: "date", nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    recorded_by = table.Column<Guid>(type: "uuid", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    cancelled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_leaves", x => x.id);
                    table.CheckConstraint("ck_leaves_period", "\"from\" <= until");
                });

            migrationBuilder.CreateTable(
                name: "notices",
                schema: "completion",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    practitioner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    about_practitioner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    subject = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    deficiency_ids = table.Column<Guid[]>(type: "uuid[]", nullable: false),
                    letter_object_id = table.Column<Guid>(type: "uuid", nullable: true),
                    letter_sha256 = table.Column<byte[]>(type: "bytea", nullable: true),
                    letter_pages = table.Column<int>(type: "integer", nullable: true),
                    read_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_notices", x => x.id);
                    table.CheckConstraint("ck_notices_kind", "kind IN ('reminder', 'delinquent', 'escalation', 'suspension')");
                });

            migrationBuilder.CreateTable(
                name: "order_modes",
                schema: "completion",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    system = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    mode = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_order_modes", x => x.id);
                    table.CheckConstraint("ck_order_modes_mode", "mode IN ('verbal', 'telephone')");
                });

            migrationBuilder.CreateTable(
                name: "procedure_kinds",
                schema: "completion",
                columns: table => new
                {
                    system = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    display = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    surgery = table.Column<bool>(type: "boolean", nullable: false),
                    anesthesia = table.Column<bool>(type: "boolean", nullable: false),
                    consent = table.Column<bool>(type: "boolean", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_procedure_kinds", x => new { x.system, x.code });
                });

            migrationBuilder.CreateTable(
                name: "rules",
                schema: "completion",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    code = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    citation = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    encounter_classes = table.Column<string[]>(type: "text[]", nullable: false),
                    facility_ids = table.Column<Guid[]>(type: "uuid[]", nullable: false),
                    document_types = table.Column<string[]>(type: "text[]", nullable: false),
                    anchor = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    window_start_hours = table.Column<int>(type: "integer", nullable: true),
                    window_end_hours = table.Column<int>(type: "integer", nullable: true),
                    update_note_types = table.Column<string[]>(type: "text[]", nullable: false),
                    update_within_hours = table.Column<int>(type: "integer", nullable: true),
                    before_procedure_flag = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    procedure_flag = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    responsible = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    due_hours = table.Column<int>(type: "integer", nullable: true),
                    due_days = table.Column<int>(type: "integer", nullable: true),
                    description = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_rules", x => x.id);
                    table.CheckConstraint("ck_rules_anchor", "anchor IS NULL OR anchor IN ('admission', 'discharge', 'procedure')");
                    table.CheckConstraint("ck_rules_due", "(due_hours IS NULL OR due_hours > 0) AND (due_days IS NULL OR due_days > 0)");
                    table.CheckConstraint("ck_rules_kind", "kind IN ('document', 'authentication', 'order-authentication', 'record-complete')");
                    table.CheckConstraint("ck_rules_procedure_flag", "procedure_flag IS NULL OR procedure_flag IN ('surgery', 'anesthesia', 'consent')");
                    table.CheckConstraint("ck_rules_responsible", "responsible IN ('admitting-or-attending', 'primary-performer', 'discharging-attending', 'author', 'orderer')");
                    table.CheckConstraint("ck_rules_window", "window_start_hours IS NULL OR window_end_hours IS NULL OR window_start_hours <= window_end_hours");
                });

            migrationBuilder.CreateTable(
                name: "settings",
                schema: "completion",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    go_live = table.Column<DateOnly>(type: "date", nullable: false),
                    notice_days_before = table.Column<int[]>(type: "integer[]", nullable: false),
                    escalate_after_days = table.Column<int>(type: "integer", nullable: false),
                    suspend_after_days = table.Column<int>(type: "integer", nullable: false),
                    leave_pauses_deadlines = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_settings", x => x.id);
                    table.CheckConstraint("ck_settings_days", "escalate_after_days >= 0 AND suspend_after_days >= 0");
                    table.CheckConstraint("ck_settings_singleton", "id = 1");
                });

            migrationBuilder.CreateTable(
                name: "signatures",
                schema: "completion",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    resource_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: true),
                    signer_user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    practitioner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    signed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    method = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    attestation = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    sha256 = table.Column<byte[]>(type: "bytea", nullable: false),
                    content_description = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_signatures", x => x.id);
                    table.CheckConstraint("ck_signatures_method", "method IN ('password', 'totp', 'identity-provider')");
                    table.CheckConstraint("ck_signatures_sha256", "length(sha256) = 32");
                });

            migrationBuilder.CreateTable(
                name: "stays",
                schema: "completion",
                columns: table => new
                {
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    encounter_class = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    facility_id = table.Column<Guid>(type: "uuid", nullable: true),
                    admitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    discharged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    open_deficiencies = table.Column<int>(type: "integer", nullable: false),
                    delinquent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    analysed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    completed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    completed_by = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_stays", x => x.encounter_id);
                    table.CheckConstraint("ck_stays_status", "status IN ('incomplete', 'ready', 'complete')");
                    table.ForeignKey(
                        name: "fk_stays_encounters_encounter_id",
                        column: x => x.encounter_id,
                        principalSchema: "clinical",
                        principalTable: "encounters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "suspensions",
                schema: "completion",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    practitioner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    delinquent_records_at_start = table.Column<int>(type: "integer", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_suspensions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "department_members",
                schema: "completion",
                columns: table => new
                {
                    practitioner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    department_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_department_members", x => x.practitioner_id);
                    table.ForeignKey(
                        name: "fk_department_members_departments_department_id",
                        column: x => x.department_id,
                        principalSchema: "completion",
                        principalTable: "departments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "deficiencies",
                schema: "completion",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    rule_id = table.Column<Guid>(type: "uuid", nullable: true),
                    key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    document_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    document_id = table.Column<Guid>(type: "uuid", nullable: true),
                    order_id = table.Column<Guid>(type: "uuid", nullable: true),
                    procedure_id = table.Column<Guid>(type: "uuid", nullable: true),
                    responsible_practitioner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    assigned_by_him = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    discharged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    refusal_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    resolution = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    resolved_by = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_deficiencies", x => x.id);
                    table.CheckConstraint("ck_deficiencies_kind", "kind IN ('missing-document', 'late-document', 'missing-update-note', 'signature', 'order-authentication', 'manual')");
                    table.CheckConstraint("ck_deficiencies_status", "status IN ('open', 'resolved')");
                    table.ForeignKey(
                        name: "fk_deficiencies_rules_rule_id",
                        column: x => x.rule_id,
                        principalSchema: "completion",
                        principalTable: "rules",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_deficiencies_stays_encounter_id",
                        column: x => x.encounter_id,
                        principalSchema: "completion",
                        principalTable: "stays",
                        principalColumn: "encounter_id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "deficiency_events",
                schema: "completion",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    deficiency_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    practitioner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_deficiency_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_deficiency_events_deficiencies_deficiency_id",
                        column: x => x.deficiency_id,
                        principalSchema: "completion",
                        principalTable: "deficiencies",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                schema: "completion",
                table: "order_modes",
                columns: new[] { "id", "code", "mode", "system" },
                values: new object[,]
                {
                    { new Guid("0b6f3c52-18a1-4c1e-9d0a-6a3c2f7e0001"), "VERBAL", "verbal", "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode" },
                    { new Guid("0b6f3c52-18a1-4c1e-9d0a-6a3c2f7e0002"), "PHONE", "telephone", "http://terminology.hl7.org/CodeSystem/v3-ParticipationMode" }
                });

            migrationBuilder.InsertData(
                schema: "completion",
                table: "procedure_kinds",
                columns: new[] { "code", "system", "anesthesia", "consent", "display", "surgery" },
                values: new object[,]
                {
                    { "11466000", "http://snomed.info/sct", true, true, "Cesarean section", true },
                    { "180207008", "http://snomed.info/sct", false, true, "Intravenous blood transfusion of packed cells (procedure)", false },
                    { "180325003", "http://snomed.info/sct", true, true, "Electrical cardioversion", false },
                    { "18286008", "http://snomed.info/sct", true, true, "Catheter ablation of tissue of heart", true },
                    { "18946005", "http://snomed.info/sct", true, true, "Epidural anesthesia", false },
                    { "274031008", "http://snomed.info/sct", true, true, "Rectal polypectomy", true },
                    { "43075005", "http://snomed.info/sct", true, true, "Partial resection of colon", true },
                    { "433112001", "http://snomed.info/sct", true, true, "Percutaneous mechanical thrombectomy of portal vein using fluoroscopic guidance", true },
                    { "447365002", "http://snomed.info/sct", true, true, "Insertion of biventricular implantable cardioverter defibrillator", true },
                    { "699253003", "http://snomed.info/sct", true, true, "Surgical manipulation of joint of knee", true },
                    { "714812005", "http://snomed.info/sct", true, true, "Induced termination of pregnancy", true },
                    { "73761001", "http://snomed.info/sct", true, true, "Colonoscopy", false },
                    { "80146002", "http://snomed.info/sct", true, true, "Appendectomy", true }
                });

            migrationBuilder.InsertData(
                schema: "completion",
                table: "rules",
                columns: new[] { "id", "anchor", "before_procedure_flag", "citation", "code", "description", "document_types", "due_days", "due_hours", "enabled", "encounter_classes", "facility_ids", "kind", "name", "procedure_flag", "responsible", "update_note_types", "update_within_hours", "updated_at", "updated_by", "window_end_hours", "window_start_hours" },
                values: new object[,]
                {
                    { new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0001"), "admission", "anesthesia", "42 CFR 482.22(c)(5)(i)-(ii); 482.51(b)(1)", "hp-24h", "An H&P done no more than 30 days before admission needs an update note within 24 hours after admission; either way it precedes surgery or a procedure needing anesthesia.", new[] { "34117-2", "11492-6" }, null, null, true, new[] { "IMP", "OBSENC", "SS" }, new Guid[0], "document", "History and physical within 24 hours after admission, and before surgery", null, "admitting-or-attending", new[] { "34117-2", "11492-6" }, 24, new DateTimeOffset(new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, 24, -720 },
                    { new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0002"), "procedure", null, "42 CFR 482.51(b)(6)", "operative-report", "Written or dictated immediately after surgery and signed by the surgeon; the hospital's \"immediately\" is the window's end.", new[] { "11504-8" }, null, null, true, new[] { "IMP", "OBSENC", "SS" }, new Guid[0], "document", "Operative report immediately after surgery", "surgery", "primary-performer", new string[0], null, new DateTimeOffset(new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, 24, 0 },
                    { new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0003"), "discharge", null, "42 CFR 482.24(c)(4)(vii)", "discharge-summary", "A discharge summary with outcome of hospitalization, disposition and provisions for follow-up care.", new[] { "18842-5" }, null, null, true, new[] { "IMP" }, new Guid[0], "document", "Discharge summary after an inpatient stay", null, "discharging-attending", new string[0], null, new DateTimeOffset(new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, 168, -72 },
                    { new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0004"), "procedure", null, "42 CFR 482.24(c)(4)(v); 482.51(b)(2)", "consent", null, new[] { "59284-0" }, null, null, true, new[] { "IMP", "OBSENC", "SS" }, new Guid[0], "document", "Informed consent before procedures that need one", "consent", "primary-performer", new string[0], null, new DateTimeOffset(new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, 0, -720 },
                    { new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0005"), null, null, "42 CFR 482.24(c)(1)", "authentication", null, new string[0], null, 72, true, new[] { "IMP", "OBSENC", "SS", "EMER" }, new Guid[0], "authentication", "Every entry authenticated, dated and timed by its author", null, "author", new string[0], null, new DateTimeOffset(new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, null, null },
                    { new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0006"), null, null, "42 CFR 482.24(c)(2); state law or bylaws for the hours (CMS dropped its 48-hour rule in 2012)", "verbal-orders", null, new string[0], null, 48, true, new[] { "IMP", "OBSENC", "SS", "EMER" }, new Guid[0], "order-authentication", "Verbal and telephone orders authenticated promptly by the ordering practitioner", null, "orderer", new string[0], null, new DateTimeOffset(new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, null, null },
                    { new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0007"), null, null, "42 CFR 482.24(c)(4)(viii)", "record-complete", "An incomplete record is delinquent after these days.", new string[0], 30, null, true, new[] { "IMP", "OBSENC", "SS", "EMER" }, new Guid[0], "record-complete", "Record complete within 30 days of discharge", null, "discharging-attending", new string[0], null, new DateTimeOffset(new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, null, null },
                    { new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0008"), "procedure", null, "42 CFR 482.52(b)(1)", "pre-anesthesia", "By a practitioner qualified to administer anesthesia. LOINC 34750-0 Anesthesiology note, 11485-0 Anesthesia records.", new[] { "34750-0", "11485-0" }, null, null, true, new[] { "IMP", "OBSENC", "SS" }, new Guid[0], "document", "Pre-anesthesia evaluation within 48 hours before a procedure needing anesthesia", "anesthesia", "primary-performer", new string[0], null, new DateTimeOffset(new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, 0, -48 },
                    { new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0009"), "procedure", null, "42 CFR 482.52(b)(2)", "post-anesthesia", "After the patient leaves the anesthesia care area and no later than 48 hours after the procedure. LOINC 34750-0 Anesthesiology note, 11485-0 Anesthesia records.", new[] { "34750-0", "11485-0" }, null, null, true, new[] { "IMP", "OBSENC", "SS" }, new Guid[0], "document", "Post-anesthesia evaluation within 48 hours after the procedure", "anesthesia", "primary-performer", new string[0], null, new DateTimeOffset(new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, 48, 0 }
                });

            migrationBuilder.InsertData(
                schema: "completion",
                table: "settings",
                columns: new[] { "id", "escalate_after_days", "go_live", "leave_pauses_deadlines", "notice_days_before", "suspend_after_days", "updated_at", "updated_by" },
                values: new object[] { 1, 0, new DateOnly(2026, 1, 1), true, new[] { 7, 3, 1 }, 7, new DateTimeOffset(new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null });

            migrationBuilder.CreateIndex(
                name: "ix_analysis_queue_queued_at",
                schema: "completion",
                table: "analysis_queue",
                column: "queued_at");

            migrationBuilder.CreateIndex(
                name: "ix_deficiencies_encounter_id_key",
                schema: "completion",
                table: "deficiencies",
                columns: new[] { "encounter_id", "key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_deficiencies_inbox",
                schema: "completion",
                table: "deficiencies",
                columns: new[] { "responsible_practitioner_id", "discharged_at", "id" },
                filter: "status = 'open'");

            migrationBuilder.CreateIndex(
                name: "ix_deficiencies_patient_id",
                schema: "completion",
                table: "deficiencies",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_deficiencies_rule_id",
                schema: "completion",
                table: "deficiencies",
                column: "rule_id");

            migrationBuilder.CreateIndex(
                name: "ix_deficiencies_unassigned",
                schema: "completion",
                table: "deficiencies",
                columns: new[] { "discharged_at", "id" },
                filter: "status = 'open' AND responsible_practitioner_id IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_deficiency_events_deficiency_id_at",
                schema: "completion",
                table: "deficiency_events",
                columns: new[] { "deficiency_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_department_members_department_id",
                schema: "completion",
                table: "department_members",
                column: "department_id");

            migrationBuilder.CreateIndex(
                name: "ix_departments_name",
                schema: "completion",
                table: "departments",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_drafts_author_user_id_status",
                schema: "completion",
                table: "drafts",
                columns: new[] { "author_user_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_drafts_encounter_id",
                schema: "completion",
                table: "drafts",
                column: "encounter_id");

            migrationBuilder.CreateIndex(
                name: "ix_leaves_practitioner_id_from",
                schema: "completion",
                table: "leaves",
                columns: new[] { "practitioner_id", "from" });

            migrationBuilder.CreateIndex(
                name: "ix_notices_key",
                schema: "completion",
                table: "notices",
                column: "key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_notices_practitioner_id_sent_at",
                schema: "completion",
                table: "notices",
                columns: new[] { "practitioner_id", "sent_at" });

            migrationBuilder.CreateIndex(
                name: "ix_order_modes_system_code",
                schema: "completion",
                table: "order_modes",
                columns: new[] { "system", "code" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_rules_code",
                schema: "completion",
                table: "rules",
                column: "code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_signatures_resource_type_resource_id",
                schema: "completion",
                table: "signatures",
                columns: new[] { "resource_type", "resource_id" });

            migrationBuilder.CreateIndex(
                name: "ix_signatures_signer_user_id_signed_at",
                schema: "completion",
                table: "signatures",
                columns: new[] { "signer_user_id", "signed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_stays_discharged_at",
                schema: "completion",
                table: "stays",
                column: "discharged_at");

            migrationBuilder.CreateIndex(
                name: "ix_stays_open_delinquent_at",
                schema: "completion",
                table: "stays",
                columns: new[] { "delinquent_at", "encounter_id" },
                filter: "status <> 'complete'");

            migrationBuilder.CreateIndex(
                name: "ix_stays_patient_id",
                schema: "completion",
                table: "stays",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_suspensions_practitioner_id_started_at",
                schema: "completion",
                table: "suspensions",
                columns: new[] { "practitioner_id", "started_at" });

            migrationBuilder.CreateIndex(
                name: "ux_suspensions_in_force",
                schema: "completion",
                table: "suspensions",
                column: "practitioner_id",
                unique: true,
                filter: "ended_at IS NULL");

            // The new reference columns of the clinical record are checked once per statement like the others (ADR 0012).
            migrationBuilder.Sql(ChartCompletionSql.ReferenceChecks(withNewColumns: true));

            // A document signed in HimPortal is never edited again (42 CFR 482.24(c)(1)): what was signed, and its hash, stay
            // true. It is amended by an addendum (a new document), or corrected as the record is (entered-in-error + copy).
            migrationBuilder.Sql("""
                CREATE FUNCTION clinical.keep_signed_document() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    IF (NEW.resource::text IS DISTINCT FROM OLD.resource::text OR NEW.text IS DISTINCT FROM OLD.text
                        OR NEW.type_code IS DISTINCT FROM OLD.type_code OR NEW.date IS DISTINCT FROM OLD.date
                        OR NEW.author_id IS DISTINCT FROM OLD.author_id OR NEW.encounter_id IS DISTINCT FROM OLD.encounter_id
                        OR NEW.doc_status IS DISTINCT FROM OLD.doc_status OR NEW.authenticator_id IS DISTINCT FROM OLD.authenticator_id)
                       AND EXISTS (SELECT FROM completion.signatures s WHERE s.resource_type = 'DocumentReference' AND s.resource_id = OLD.id) THEN
                        RAISE EXCEPTION 'document % was signed and is never edited again: add an addendum', OLD.id
                            USING ERRCODE = 'integrity_constraint_violation';
                    END IF;
                    RETURN NEW;
                END $fn$;
                CREATE TRIGGER keep_signed BEFORE UPDATE ON clinical.clinical_notes FOR EACH ROW EXECUTE FUNCTION clinical.keep_signed_document();
                """);

            // What is evidence is never removed (ADR 0035): signatures and the deficiencies' history are append-only; stays,
            // deficiencies, drafts, leave, notices, suspensions and rules are resolved, cancelled or switched off, never deleted.
            migrationBuilder.Sql("""
                CREATE FUNCTION completion.refuse_removal() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    RAISE EXCEPTION '% on table "completion.%" refused: chart-completion records are evidence and are never removed', TG_OP, TG_TABLE_NAME
                        USING ERRCODE = 'integrity_constraint_violation';
                END $fn$;
                DO $do$
                DECLARE t text;
                BEGIN
                    FOREACH t IN ARRAY ARRAY['rules','stays','deficiencies','drafts','leaves','notices','suspensions'] LOOP
                        EXECUTE format('CREATE TRIGGER refuse_delete BEFORE DELETE ON completion.%I FOR EACH STATEMENT EXECUTE FUNCTION completion.refuse_removal()', t);
                        EXECUTE format('CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON completion.%I FOR EACH STATEMENT EXECUTE FUNCTION completion.refuse_removal()', t);
                    END LOOP;
                    FOREACH t IN ARRAY ARRAY['signatures','deficiency_events'] LOOP
                        EXECUTE format('CREATE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON completion.%I FOR EACH STATEMENT EXECUTE FUNCTION completion.refuse_removal()', t);
                        EXECUTE format('CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON completion.%I FOR EACH STATEMENT EXECUTE FUNCTION completion.refuse_removal()', t);
                    END LOOP;
                END $do$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION completion.refuse_removal() CASCADE;
                DROP TRIGGER keep_signed ON clinical.clinical_notes; DROP FUNCTION clinical.keep_signed_document();
                """);
            migrationBuilder.Sql(ChartCompletionSql.ReferenceChecks(withNewColumns: false));

            migrationBuilder.DropTable(
                name: "analysis_queue",
                schema: "completion");

            migrationBuilder.DropTable(
                name: "deficiency_events",
                schema: "completion");

            migrationBuilder.DropTable(
                name: "department_members",
                schema: "completion");

            migrationBuilder.DropTable(
                name: "drafts",
                schema: "completion");

            migrationBuilder.DropTable(
                name: "leaves",
                schema: "completion");

            migrationBuilder.DropTable(
                name: "notices",
                schema: "completion");

            migrationBuilder.DropTable(
                name: "order_modes",
                schema: "completion");

            migrationBuilder.DropTable(
                name: "procedure_kinds",
                schema: "completion");

            migrationBuilder.DropTable(
                name: "settings",
                schema: "completion");

            migrationBuilder.DropTable(
                name: "signatures",
                schema: "completion");

            migrationBuilder.DropTable(
                name: "suspensions",
                schema: "completion");

            migrationBuilder.DropTable(
                name: "deficiencies",
                schema: "completion");

            migrationBuilder.DropTable(
                name: "departments",
                schema: "completion");

            migrationBuilder.DropTable(
                name: "rules",
                schema: "completion");

            migrationBuilder.DropTable(
                name: "stays",
                schema: "completion");

            migrationBuilder.DropPrimaryKey(
                name: "pk_settings1",
                schema: "roi",
                table: "settings");

            migrationBuilder.DropColumn(
                name: "performer_id",
                schema: "clinical",
                table: "procedures");

            migrationBuilder.DropColumn(
                name: "mode_codes",
                schema: "clinical",
                table: "medication_requests");

            migrationBuilder.DropColumn(
                name: "authenticator_id",
                schema: "clinical",
                table: "clinical_notes");

            migrationBuilder.DropColumn(
                name: "doc_status",
                schema: "clinical",
                table: "clinical_notes");

            migrationBuilder.AddPrimaryKey(
                name: "pk_settings",
                schema: "roi",
                table: "settings",
                column: "id");
        }
    }

    /// <summary>
    /// The reference checks of the two clinical tables this migration gives a new reference column (ClinicalReferenceChecks'
    /// functions, replaced; literal, as a migration stays what it was when it ran).
    /// </summary>
    internal static class ChartCompletionSql
    {
        public static string ReferenceChecks(bool withNewColumns) =>
            Check("clinical_notes", withNewColumns
                ? [("authenticator_id", "clinical.practitioners"), ("author_id", "clinical.practitioners"), ("custodian_id", "clinical.organizations"), ("encounter_id", "clinical.encounters"), ("patient_id", "clinical.patients")]
                : [("author_id", "clinical.practitioners"), ("custodian_id", "clinical.organizations"), ("encounter_id", "clinical.encounters"), ("patient_id", "clinical.patients")])
            + Check("procedures", withNewColumns
                ? [("encounter_id", "clinical.encounters"), ("patient_id", "clinical.patients"), ("performer_id", "clinical.practitioners")]
                : [("encounter_id", "clinical.encounters"), ("patient_id", "clinical.patients")]);

        private static string Check(string name, (string Column, string Referenced)[] references)
        {
            var sql = new System.Text.StringBuilder(System.FormattableString.Invariant($"""
                CREATE OR REPLACE FUNCTION clinical.check_{name}_references() RETURNS trigger LANGUAGE plpgsql
                    SET enable_hashjoin = off SET enable_mergejoin = off AS $fn$
                DECLARE
                    missing uuid;
                BEGIN

                """));
            foreach (var (column, referenced) in references)
            {
                sql.Append(System.FormattableString.Invariant($"""
                        SELECT k.id INTO missing FROM (SELECT DISTINCT n.{column} AS id FROM new_rows n WHERE n.{column} IS NOT NULL) k
                            WHERE NOT EXISTS (SELECT FROM {referenced} r WHERE r.id = k.id) LIMIT 1;
                        IF missing IS NOT NULL THEN
                            RAISE EXCEPTION 'insert or update on table "clinical.{name}" violates the reference "{column}": key % is not present in table "{referenced}"',
                                missing USING ERRCODE = 'foreign_key_violation', SCHEMA = 'clinical', TABLE = '{name}', COLUMN = '{column}';
                        END IF;

                    """));
            }

            return sql.Append("""
                    RETURN NULL;
                END $fn$;

                """).ToString();
        }
    }
}
