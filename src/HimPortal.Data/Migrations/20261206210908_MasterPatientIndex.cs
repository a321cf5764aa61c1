using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class MasterPatientIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "mpi");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:fuzzystrmatch", ",,")
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,")
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.CreateTable(
                name: "candidate_pairs",
                schema: "mpi",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    record_a = table.Column<Guid>(type: "uuid", nullable: false),
                    record_b = table.Column<Guid>(type: "uuid", nullable: false),
                    score = table.Column<double>(type: "double precision", nullable: false),
                    weight = table.Column<double>(type: "double precision", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    reason = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    explanation = table.Column<string>(type: "jsonb", nullable: false),
                    found_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    scored_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    first_reviewer_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    first_reviewed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decided_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decision_note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    import_conflict_id = table.Column<long>(type: "bigint", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_candidate_pairs", x => x.id);
                    table.CheckConstraint("ck_candidate_pairs_order", "record_a < record_b");
                    table.CheckConstraint("ck_candidate_pairs_source", "source IN ('arrival','scan','import-conflict','manual')");
                    table.CheckConstraint("ck_candidate_pairs_status", "status IN ('review','research','awaiting-second','linked','not-duplicate','unlinked')");
                    table.ForeignKey(
                        name: "fk_candidate_pairs_patients_record_a",
                        column: x => x.record_a,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_candidate_pairs_patients_record_b",
                        column: x => x.record_b,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "match_keys",
                schema: "mpi",
                columns: table => new
                {
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    given = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    given_canonical = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    middle_names = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    family = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    family_names = table.Column<string[]>(type: "text[]", nullable: false),
                    given_phonetic = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    family_phonetic = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    birth_date = table.Column<DateOnly>(type: "date", nullable: true),
                    sex = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    ssn = table.Column<string>(type: "character varying(9)", maxLength: 9, nullable: true),
                    ssn_last4 = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: true),
                    phone = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    street = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    city = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    postal_code = table.Column<string>(type: "character varying(5)", maxLength: 5, nullable: true),
                    identifiers = table.Column<string[]>(type: "text[]", nullable: false),
                    temporary_name = table.Column<bool>(type: "boolean", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_match_keys", x => x.patient_id);
                    table.ForeignKey(
                        name: "fk_match_keys_patients_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "match_settings",
                schema: "mpi",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    auto_link_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    auto_link_threshold = table.Column<double>(type: "double precision", nullable: false),
                    review_threshold = table.Column<double>(type: "double precision", nullable: false),
                    second_reviewer_for_clinical_data = table.Column<bool>(type: "boolean", nullable: false),
                    weights = table.Column<string>(type: "jsonb", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_match_settings", x => x.id);
                    table.CheckConstraint("ck_match_settings_singleton", "id = 1");
                    table.CheckConstraint("ck_match_settings_thresholds", "review_threshold > 0 AND review_threshold <= auto_link_threshold AND auto_link_threshold <= 1");
                });

            migrationBuilder.CreateTable(
                name: "name_frequencies",
                schema: "mpi",
                columns: table => new
                {
                    kind = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    value = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    records = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_name_frequencies", x => new { x.kind, x.value });
                    table.CheckConstraint("ck_name_frequencies_kind", "kind IN ('family','given')");
                });

            migrationBuilder.CreateTable(
                name: "scan_runs",
                schema: "mpi",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    patients = table.Column<int>(type: "integer", nullable: false),
                    compared = table.Column<long>(type: "bigint", nullable: false),
                    linked = table.Column<int>(type: "integer", nullable: false),
                    review = table.Column<int>(type: "integer", nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_scan_runs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "pair_decisions",
                schema: "mpi",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    pair_id = table.Column<long>(type: "bigint", nullable: false),
                    decision = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    score = table.Column<double>(type: "double precision", nullable: false),
                    note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_pair_decisions", x => x.id);
                    table.CheckConstraint("ck_pair_decisions_decision", "decision IN ('same-person','not-same-person','needs-research','first-review','auto-linked','unlinked')");
                    table.ForeignKey(
                        name: "fk_pair_decisions_candidate_pairs_pair_id",
                        column: x => x.pair_id,
                        principalSchema: "mpi",
                        principalTable: "candidate_pairs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "person_links",
                schema: "mpi",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    person_id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    pair_id = table.Column<long>(type: "bigint", nullable: true),
                    linked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    linked_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reason = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    unlinked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    unlinked_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    unlink_reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_person_links", x => x.id);
                    table.ForeignKey(
                        name: "fk_person_links_candidate_pairs_pair_id",
                        column: x => x.pair_id,
                        principalSchema: "mpi",
                        principalTable: "candidate_pairs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_person_links_patients_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_candidate_pairs_record_a_record_b",
                schema: "mpi",
                table: "candidate_pairs",
                columns: new[] { "record_a", "record_b" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_candidate_pairs_record_b",
                schema: "mpi",
                table: "candidate_pairs",
                column: "record_b");

            migrationBuilder.CreateIndex(
                name: "ix_candidate_pairs_status_found_at_id",
                schema: "mpi",
                table: "candidate_pairs",
                columns: new[] { "status", "found_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_match_keys_email",
                schema: "mpi",
                table: "match_keys",
                column: "email",
                filter: "email IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_match_keys_family_names",
                schema: "mpi",
                table: "match_keys",
                column: "family_names")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_match_keys_family_phonetic_birth_date",
                schema: "mpi",
                table: "match_keys",
                columns: new[] { "family_phonetic", "birth_date" });

            migrationBuilder.CreateIndex(
                name: "ix_match_keys_given_phonetic_birth_date",
                schema: "mpi",
                table: "match_keys",
                columns: new[] { "given_phonetic", "birth_date" });

            migrationBuilder.CreateIndex(
                name: "ix_match_keys_identifiers",
                schema: "mpi",
                table: "match_keys",
                column: "identifiers")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_match_keys_phone",
                schema: "mpi",
                table: "match_keys",
                column: "phone",
                filter: "phone IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_match_keys_ssn",
                schema: "mpi",
                table: "match_keys",
                column: "ssn",
                filter: "ssn IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_pair_decisions_decided_at",
                schema: "mpi",
                table: "pair_decisions",
                column: "decided_at");

            migrationBuilder.CreateIndex(
                name: "ix_pair_decisions_pair_id_id",
                schema: "mpi",
                table: "pair_decisions",
                columns: new[] { "pair_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_person_links_pair_id",
                schema: "mpi",
                table: "person_links",
                column: "pair_id");

            migrationBuilder.CreateIndex(
                name: "ix_person_links_person_id",
                schema: "mpi",
                table: "person_links",
                column: "person_id",
                filter: "unlinked_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ux_person_links_live_patient",
                schema: "mpi",
                table: "person_links",
                column: "patient_id",
                unique: true,
                filter: "unlinked_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_scan_runs_started_at",
                schema: "mpi",
                table: "scan_runs",
                column: "started_at");

            // The index forgets nothing (ADR 0015): a link is closed, never deleted; a pair's decisions are history.
            migrationBuilder.Sql("""
                CREATE FUNCTION mpi.refuse_removal() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    RAISE EXCEPTION '% on table "mpi.%" refused: links, pairs and decisions of the patient index are never removed', TG_OP, TG_TABLE_NAME
                        USING ERRCODE = 'integrity_constraint_violation';
                END $fn$;
                CREATE TRIGGER refuse_delete BEFORE DELETE ON mpi.person_links FOR EACH STATEMENT EXECUTE FUNCTION mpi.refuse_removal();
                CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON mpi.person_links FOR EACH STATEMENT EXECUTE FUNCTION mpi.refuse_removal();
                CREATE TRIGGER refuse_delete BEFORE DELETE ON mpi.candidate_pairs FOR EACH STATEMENT EXECUTE FUNCTION mpi.refuse_removal();
                CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON mpi.candidate_pairs FOR EACH STATEMENT EXECUTE FUNCTION mpi.refuse_removal();
                CREATE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON mpi.pair_decisions FOR EACH STATEMENT EXECUTE FUNCTION mpi.refuse_removal();
                CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON mpi.pair_decisions FOR EACH STATEMENT EXECUTE FUNCTION mpi.refuse_removal();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION mpi.refuse_removal() CASCADE;");

            migrationBuilder.DropTable(
                name: "match_keys",
                schema: "mpi");

            migrationBuilder.DropTable(
                name: "match_settings",
                schema: "mpi");

            migrationBuilder.DropTable(
                name: "name_frequencies",
                schema: "mpi");

            migrationBuilder.DropTable(
                name: "pair_decisions",
                schema: "mpi");

            migrationBuilder.DropTable(
                name: "person_links",
                schema: "mpi");

            migrationBuilder.DropTable(
                name: "scan_runs",
                schema: "mpi");

            migrationBuilder.DropTable(
                name: "candidate_pairs",
                schema: "mpi");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,")
                .OldAnnotation("Npgsql:PostgresExtension:fuzzystrmatch", ",,")
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");
        }
    }
}
