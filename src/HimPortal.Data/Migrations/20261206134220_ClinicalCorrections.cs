using System;
using System.Globalization;
using System.Linq;
using System.Text;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class ClinicalCorrections : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "correction_items",
                schema: "clinical",
                columns: table => new
                {
                    correction_id = table.Column<Guid>(type: "uuid", nullable: false),
                    original_id = table.Column<Guid>(type: "uuid", nullable: false),
                    resource_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    copy_id = table.Column<Guid>(type: "uuid", nullable: false),
                    copy_fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_correction_items", x => new { x.correction_id, x.original_id });
                });

            migrationBuilder.CreateTable(
                name: "corrections",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    from_patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    to_patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    source = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    corrected_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    corrected_by_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    corrected_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    undone_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    undone_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    undone_by_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    undo_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_corrections", x => x.id);
                    table.CheckConstraint("ck_corrections_two_patients", "from_patient_id <> to_patient_id");
                });

            migrationBuilder.CreateTable(
                name: "entered_in_error",
                schema: "clinical",
                columns: table => new
                {
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    correction_id = table.Column<Guid>(type: "uuid", nullable: false),
                    resource_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    marked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    cleared_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_entered_in_error", x => new { x.resource_id, x.correction_id });
                    table.CheckConstraint("ck_entered_in_error_kind", "kind IN ('moved','undone')");
                });

            migrationBuilder.CreateIndex(
                name: "ix_correction_items_copy_id",
                schema: "clinical",
                table: "correction_items",
                column: "copy_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_corrections_from_patient_id",
                schema: "clinical",
                table: "corrections",
                column: "from_patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_corrections_to_patient_id",
                schema: "clinical",
                table: "corrections",
                column: "to_patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_entered_in_error_correction_id",
                schema: "clinical",
                table: "entered_in_error",
                column: "correction_id");

            migrationBuilder.CreateIndex(
                name: "ux_entered_in_error_in_force",
                schema: "clinical",
                table: "entered_in_error",
                column: "resource_id",
                unique: true,
                filter: "cleared_at IS NULL");

            migrationBuilder.Sql(ClinicalCorrectionsSql.Create());
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "correction_items",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "corrections",
                schema: "clinical");

            migrationBuilder.DropTable(
                name: "entered_in_error",
                schema: "clinical");

            migrationBuilder.Sql(ClinicalCorrectionsSql.Drop());
        }
    }

    /// <summary>
    /// The correction tables' references, checked once per statement like the rest of the record's (ADR 0012,
    /// ClinicalReferenceChecks), and the same refusal of deletes, truncates and key changes: a correction, its items and
    /// its marks are the record's history (ADR 0015). An item column refers to a row of whichever table its FHIR type
    /// names, so it is checked by <c>clinical.record_item_exists</c>. Literal here: a migration stays what it was when it ran.
    /// </summary>
    internal static class ClinicalCorrectionsSql
    {
        /// <summary>The FHIR types of a patient's own items and their tables: what a correction moves.</summary>
        private static readonly (string Type, string Table)[] Items =
        [
            ("Encounter", "clinical.encounters"),
            ("Condition", "clinical.conditions"),
            ("MedicationRequest", "clinical.medication_requests"),
            ("MedicationAdministration", "clinical.medication_administrations"),
            ("Observation", "clinical.observations"),
            ("DiagnosticReport", "clinical.diagnostic_reports"),
            ("DocumentReference", "clinical.clinical_notes"),
            ("AllergyIntolerance", "clinical.allergies"),
            ("Immunization", "clinical.immunizations"),
            ("Procedure", "clinical.procedures"),
            ("ImagingStudy", "clinical.imaging_studies"),
            ("CareTeam", "clinical.care_teams"),
            ("CarePlan", "clinical.care_plans"),
        ];

        /// <summary>Each table's key and references: (column, referenced table, or null for an item of the row's resource_type).</summary>
        private static readonly (string Table, string[] Key, (string Column, string Referenced)[] References)[] Tables =
        [
            ("corrections", ["id"], [("from_patient_id", "clinical.patients"), ("to_patient_id", "clinical.patients"),
                ("corrected_by_user_id", "identity.users"), ("undone_by_user_id", "identity.users")]),
            ("correction_items", ["correction_id", "original_id"], [("correction_id", "clinical.corrections"), ("original_id", null), ("copy_id", null)]),
            ("entered_in_error", ["resource_id", "correction_id"], [("correction_id", "clinical.corrections"), ("patient_id", "clinical.patients"),
                ("resource_id", null)]),
        ];

        public static string Create()
        {
            var sql = new StringBuilder("""
                CREATE FUNCTION clinical.record_item_exists(item_type text, item_key uuid) RETURNS boolean LANGUAGE sql STABLE AS $fn$
                    SELECT CASE item_type

                """);
            foreach (var (type, table) in Items)
            {
                sql.Append(CultureInfo.InvariantCulture, $"        WHEN '{type}' THEN EXISTS (SELECT FROM {table} r WHERE r.id = item_key)\n");
            }

            sql.Append("        ELSE false END\n$fn$;\n");
            foreach (var (name, key, references) in Tables)
            {
                // Static queries over the statement's distinct keys, each probing the referenced primary key (as ADR 0012's).
                sql.Append(CultureInfo.InvariantCulture, $"""
                    CREATE FUNCTION clinical.check_{name}_references() RETURNS trigger LANGUAGE plpgsql
                        SET enable_hashjoin = off SET enable_mergejoin = off AS $fn$
                    DECLARE
                        missing uuid;
                    BEGIN

                    """);
                foreach (var (column, referenced) in references)
                {
                    var (keys, test, target) = referenced is null
                        ? ($"SELECT DISTINCT n.{column} AS id, n.resource_type AS type FROM new_rows n WHERE n.{column} IS NOT NULL",
                            "NOT clinical.record_item_exists(k.type, k.id)", "the table of its resource_type")
                        : ($"SELECT DISTINCT n.{column} AS id FROM new_rows n WHERE n.{column} IS NOT NULL",
                            $"NOT EXISTS (SELECT FROM {referenced} r WHERE r.id = k.id)", $"table \"{referenced}\"");
                    sql.Append(CultureInfo.InvariantCulture, $"""
                            SELECT k.id INTO missing FROM ({keys}) k WHERE {test} LIMIT 1;
                            IF missing IS NOT NULL THEN
                                RAISE EXCEPTION 'insert or update on table "clinical.{name}" violates the reference "{column}": key % is not present in {target}',
                                    missing USING ERRCODE = 'foreign_key_violation', SCHEMA = 'clinical', TABLE = '{name}', COLUMN = '{column}';
                            END IF;

                        """);
                }

                var keyChanged = string.Join(" OR ", key.Select(k => $"OLD.{k} IS DISTINCT FROM NEW.{k}"));
                sql.Append(CultureInfo.InvariantCulture, $"""
                        RETURN NULL;
                    END $fn$;
                    CREATE TRIGGER check_references_on_insert AFTER INSERT ON clinical.{name}
                        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION clinical.check_{name}_references();
                    CREATE TRIGGER check_references_on_update AFTER UPDATE ON clinical.{name}
                        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION clinical.check_{name}_references();
                    CREATE TRIGGER refuse_delete BEFORE DELETE ON clinical.{name} FOR EACH STATEMENT EXECUTE FUNCTION clinical.refuse_record_removal();
                    CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON clinical.{name} FOR EACH STATEMENT EXECUTE FUNCTION clinical.refuse_record_removal();
                    CREATE TRIGGER refuse_key_change BEFORE UPDATE OF {string.Join(", ", key)} ON clinical.{name}
                        FOR EACH ROW WHEN ({keyChanged}) EXECUTE FUNCTION clinical.refuse_key_change();

                    """);
            }

            return sql.ToString();
        }

        /// <summary>After the tables, and their triggers with them, are dropped.</summary>
        public static string Drop()
        {
            var sql = new StringBuilder();
            foreach (var (name, _, _) in Tables)
            {
                sql.Append(CultureInfo.InvariantCulture, $"DROP FUNCTION clinical.check_{name}_references();\n");
            }

            return sql.Append("DROP FUNCTION clinical.record_item_exists(text, uuid);\n").ToString();
        }
    }
}

