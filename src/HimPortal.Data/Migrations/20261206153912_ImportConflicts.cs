using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class ImportConflicts : Migration
    {
        /// <summary>
        /// The tables whose rows are in one patient's record: a row's patient never changes (ADR 0015, 0019). A correction
        /// copies, never updates it; the import checks before it writes, and PostgreSQL refuses it whatever the caller.
        /// </summary>
        private static readonly string[] PatientTables =
        [
            "allergies", "care_plans", "care_team_members", "care_teams", "clinical_notes", "conditions", "diagnostic_reports",
            "encounter_participants", "encounters", "imaging_studies", "immunizations", "medication_administrations",
            "medication_requests", "observations", "procedures",
        ];

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION clinical.refuse_patient_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    RAISE EXCEPTION 'the patient of a row of table "%" cannot change: moving data between patients is a correction',
                        TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
                END $fn$;
                """);
            foreach (var table in PatientTables)
            {
                // The WHEN clause is evaluated without calling the function: an update that keeps the patient costs next to nothing.
                migrationBuilder.Sql($"""
                    CREATE TRIGGER refuse_patient_change BEFORE UPDATE OF patient_id ON clinical.{table}
                        FOR EACH ROW WHEN (OLD.patient_id IS DISTINCT FROM NEW.patient_id) EXECUTE FUNCTION clinical.refuse_patient_change();
                    """);
            }

            migrationBuilder.CreateTable(
                name: "import_conflicts",
                schema: "clinical",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    resource_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    resource_fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    stored_patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    incoming_patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    incoming_patient_fhir_id = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    incoming_patient_mrn = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true),
                    outcome = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    bundle_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    incoming_source_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    times_seen = table.Column<int>(type: "integer", nullable: false),
                    resolved_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    resolved_by_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_import_conflicts", x => x.id);
                    table.CheckConstraint("ck_import_conflicts_outcome", "outcome IN ('refused','held-back')");
                    table.CheckConstraint("ck_import_conflicts_status", "status IN ('open','resolved')");
                });

            migrationBuilder.CreateIndex(
                name: "ix_import_conflicts_resource_id_incoming_patient_id",
                schema: "clinical",
                table: "import_conflicts",
                columns: new[] { "resource_id", "incoming_patient_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_import_conflicts_status_last_seen_at",
                schema: "clinical",
                table: "import_conflicts",
                columns: new[] { "status", "last_seen_at" });

            migrationBuilder.CreateIndex(
                name: "ix_import_conflicts_stored_patient_id",
                schema: "clinical",
                table: "import_conflicts",
                column: "stored_patient_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in PatientTables)
            {
                migrationBuilder.Sql($"DROP TRIGGER refuse_patient_change ON clinical.{table};");
            }

            migrationBuilder.Sql("DROP FUNCTION clinical.refuse_patient_change();");
            migrationBuilder.DropTable(
                name: "import_conflicts",
                schema: "clinical");
        }
    }
}
