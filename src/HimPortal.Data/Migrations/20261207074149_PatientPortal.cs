using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class PatientPortal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_settings1",
                schema: "roi",
                table: "settings");

            migrationBuilder.EnsureSchema(
                name: "portal");

            migrationBuilder.AddPrimaryKey(
                name: "pk_settings2",
                schema: "roi",
                table: "settings",
                column: "id");

            migrationBuilder.CreateTable(
                name: "access_flags",
                schema: "portal",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    audit_event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    flagged_by_user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    flagged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    comment = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    privacy_alert_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_access_flags", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "activation_codes",
                schema: "portal",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    proxy_grant_id = table.Column<Guid>(type: "uuid", nullable: true),
                    code_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    issued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    issued_by_user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    failed_attempts = table.Column<int>(type: "integer", nullable: false),
                    locked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    letter_object_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_activation_codes", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "amendment_events",
                schema: "portal",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    amendment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_amendment_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "amendment_recipients",
                schema: "portal",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    amendment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    address = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    disclosure_id = table.Column<Guid>(type: "uuid", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sent_how = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_amendment_recipients", x => x.id);
                    table.CheckConstraint("ck_amendment_recipients_source", "source IN ('patient-named', 'known-holder')");
                });

            migrationBuilder.CreateTable(
                name: "amendments",
                schema: "portal",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    requested_by_user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    proxy_grant_id = table.Column<Guid>(type: "uuid", nullable: true),
                    resource_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    item_description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    requested_change = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    reason = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    extended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    extension_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    author_practitioner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    routed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    routed_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decided_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    denial_ground = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    denial_explanation = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    amendment_document_id = table.Column<Guid>(type: "uuid", nullable: true),
                    denial_letter_object_id = table.Column<Guid>(type: "uuid", nullable: true),
                    disagreement_text = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: true),
                    disagreement_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    rebuttal_text = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: true),
                    rebuttal_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    extension_letter_object_id = table.Column<Guid>(type: "uuid", nullable: true),
                    rebuttal_letter_object_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_amendments", x => x.id);
                    table.CheckConstraint("ck_amendments_denial_ground", "denial_ground IS NULL OR denial_ground IN ('not-created-here', 'not-in-record-set', 'not-available-for-inspection', 'accurate-and-complete')");
                    table.CheckConstraint("ck_amendments_status", "status IN ('received', 'routed', 'accepted', 'denied')");
                });

            migrationBuilder.CreateTable(
                name: "holds",
                schema: "portal",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    resource_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    exception = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    placed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    placed_by_user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    review_on = table.Column<DateOnly>(type: "date", nullable: true),
                    lifted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lifted_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_holds", x => x.id);
                    table.CheckConstraint("ck_holds_exception", "exception IN ('preventing-harm', 'privacy', 'security', 'infeasibility')");
                });

            migrationBuilder.CreateTable(
                name: "proxy_grants",
                schema: "portal",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    representative_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    representative_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    representative_family_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    representative_birth_date = table.Column<DateOnly>(type: "date", nullable: false),
                    relationship = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    authority_document = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    authority_object_id = table.Column<Guid>(type: "uuid", nullable: true),
                    authority_sha256 = table.Column<byte[]>(type: "bytea", nullable: true),
                    starts_on = table.Column<DateOnly>(type: "date", nullable: false),
                    ends_on = table.Column<DateOnly>(type: "date", nullable: true),
                    hide_minor_consented_care = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    revoke_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_proxy_grants", x => x.id);
                    table.CheckConstraint("ck_proxy_grants_relationship", "relationship IN ('parent', 'guardian', 'health-care-agent')");
                });

            migrationBuilder.CreateTable(
                name: "settings",
                schema: "portal",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    activation_code_days = table.Column<int>(type: "integer", nullable: false),
                    activation_max_attempts = table.Column<int>(type: "integer", nullable: false),
                    second_factor = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    show_staff_names = table.Column<bool>(type: "boolean", nullable: false),
                    proxy_ends_at_age = table.Column<int>(type: "integer", nullable: false),
                    hide_minor_consented_care_from_proxy = table.Column<bool>(type: "boolean", nullable: false),
                    amendment_due_days = table.Column<int>(type: "integer", nullable: false),
                    amendment_extension_days = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_settings1", x => x.id);
                    table.CheckConstraint("ck_settings_ranges", "activation_code_days BETWEEN 1 AND 365 AND activation_max_attempts BETWEEN 1 AND 20 AND proxy_ends_at_age BETWEEN 12 AND 21 AND amendment_due_days BETWEEN 1 AND 60 AND amendment_extension_days BETWEEN 0 AND 30");
                    table.CheckConstraint("ck_settings_second_factor", "second_factor IN ('required', 'optional')");
                    table.CheckConstraint("ck_settings_singleton", "id = 1");
                });

            migrationBuilder.InsertData(
                schema: "access",
                table: "sensitivity_labels",
                columns: new[] { "code", "active", "blocks_release_without_authorization", "code_system", "labels_encounter", "regulation", "title", "updated_at", "updated_by_user_id" },
                values: new object[] { "MINORCNS", true, false, "urn:himportal:sensitivity", true, "45 CFR 164.502(g)(3) (a parent is not the personal representative for it); state minor-consent law", "Care a minor lawfully consented to alone", new DateTimeOffset(new DateTime(2026, 12, 6, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null });

            migrationBuilder.InsertData(
                schema: "portal",
                table: "settings",
                columns: new[] { "id", "activation_code_days", "activation_max_attempts", "amendment_due_days", "amendment_extension_days", "hide_minor_consented_care_from_proxy", "proxy_ends_at_age", "second_factor", "show_staff_names", "updated_at", "updated_by_user_id" },
                values: new object[] { 1, 30, 5, 60, 30, true, 18, "required", true, new DateTimeOffset(new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null });

            migrationBuilder.CreateIndex(
                name: "ix_access_flags_audit_event_id_flagged_by_user_id",
                schema: "portal",
                table: "access_flags",
                columns: new[] { "audit_event_id", "flagged_by_user_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_access_flags_patient_id",
                schema: "portal",
                table: "access_flags",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_activation_codes_code_hash",
                schema: "portal",
                table: "activation_codes",
                column: "code_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_activation_codes_patient_id_issued_at",
                schema: "portal",
                table: "activation_codes",
                columns: new[] { "patient_id", "issued_at" });

            migrationBuilder.CreateIndex(
                name: "ix_amendment_events_amendment_id_at",
                schema: "portal",
                table: "amendment_events",
                columns: new[] { "amendment_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_amendment_recipients_amendment_id",
                schema: "portal",
                table: "amendment_recipients",
                column: "amendment_id");

            migrationBuilder.CreateIndex(
                name: "ix_amendments_number",
                schema: "portal",
                table: "amendments",
                column: "number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_amendments_open",
                schema: "portal",
                table: "amendments",
                columns: new[] { "author_practitioner_id", "due_at", "id" },
                filter: "status IN ('received', 'routed')");

            migrationBuilder.CreateIndex(
                name: "ix_amendments_patient_id_received_at",
                schema: "portal",
                table: "amendments",
                columns: new[] { "patient_id", "received_at" });

            migrationBuilder.CreateIndex(
                name: "ix_amendments_resource_type_resource_id",
                schema: "portal",
                table: "amendments",
                columns: new[] { "resource_type", "resource_id" });

            migrationBuilder.CreateIndex(
                name: "ix_holds_patient_in_force",
                schema: "portal",
                table: "holds",
                column: "patient_id",
                filter: "lifted_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ux_holds_in_force",
                schema: "portal",
                table: "holds",
                columns: new[] { "resource_type", "resource_id" },
                unique: true,
                filter: "lifted_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_proxy_grants_patient_id",
                schema: "portal",
                table: "proxy_grants",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_proxy_grants_representative_user_id",
                schema: "portal",
                table: "proxy_grants",
                column: "representative_user_id");

            // What is evidence is never removed (ADR 0040): the amendments' history is append-only; codes, grants, holds,
            // flags, amendments and their recipients are used, revoked, lifted, decided or sent, never deleted.
            migrationBuilder.Sql("""
                CREATE FUNCTION portal.refuse_removal() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    RAISE EXCEPTION '% on table "portal.%" refused: portal records are evidence and are never removed', TG_OP, TG_TABLE_NAME
                        USING ERRCODE = 'integrity_constraint_violation';
                END $fn$;
                DO $do$
                DECLARE t text;
                BEGIN
                    FOREACH t IN ARRAY ARRAY['activation_codes','proxy_grants','holds','access_flags','amendments','amendment_recipients'] LOOP
                        EXECUTE format('CREATE TRIGGER refuse_delete BEFORE DELETE ON portal.%I FOR EACH STATEMENT EXECUTE FUNCTION portal.refuse_removal()', t);
                        EXECUTE format('CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON portal.%I FOR EACH STATEMENT EXECUTE FUNCTION portal.refuse_removal()', t);
                    END LOOP;
                    EXECUTE 'CREATE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON portal.amendment_events FOR EACH STATEMENT EXECUTE FUNCTION portal.refuse_removal()';
                    EXECUTE 'CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON portal.amendment_events FOR EACH STATEMENT EXECUTE FUNCTION portal.refuse_removal()';
                END $do$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION portal.refuse_removal() CASCADE;");
            migrationBuilder.DropTable(
                name: "access_flags",
                schema: "portal");

            migrationBuilder.DropTable(
                name: "activation_codes",
                schema: "portal");

            migrationBuilder.DropTable(
                name: "amendment_events",
                schema: "portal");

            migrationBuilder.DropTable(
                name: "amendment_recipients",
                schema: "portal");

            migrationBuilder.DropTable(
                name: "amendments",
                schema: "portal");

            migrationBuilder.DropTable(
                name: "holds",
                schema: "portal");

            migrationBuilder.DropTable(
                name: "proxy_grants",
                schema: "portal");

            migrationBuilder.DropTable(
                name: "settings",
                schema: "portal");

            migrationBuilder.DropPrimaryKey(
                name: "pk_settings2",
                schema: "roi",
                table: "settings");

            migrationBuilder.DeleteData(
                schema: "access",
                table: "sensitivity_labels",
                keyColumn: "code",
                keyValue: "MINORCNS");

            migrationBuilder.AddPrimaryKey(
                name: "pk_settings1",
                schema: "roi",
                table: "settings",
                column: "id");
        }
    }
}
