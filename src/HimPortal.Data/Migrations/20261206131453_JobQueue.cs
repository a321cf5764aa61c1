using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class JobQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "jobs");

            migrationBuilder.EnsureSchema(
                name: "intake");

            // Quartz.NET's clustered job store (the schedules), its own tables in its own schema (docs/adr/0014).
            migrationBuilder.EnsureSchema(
                name: "quartz");
            foreach (var statement in HimPortal.Data.Jobs.QuartzSchema.CreateStatements())
            {
                migrationBuilder.Sql(statement);
            }

            migrationBuilder.CreateTable(
                name: "jobs",
                schema: "jobs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    requested_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    requested_by_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    not_before = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    max_attempts = table.Column<int>(type: "integer", nullable: false),
                    dedupe_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    heartbeat_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    running_on = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    progress_done = table.Column<int>(type: "integer", nullable: false),
                    progress_total = table.Column<int>(type: "integer", nullable: true),
                    progress_note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    result = table.Column<string>(type: "jsonb", nullable: true),
                    error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    cancel_requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cancel_requested_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_jobs", x => x.id);
                    table.CheckConstraint("ck_jobs_attempts", "attempts >= 0 AND max_attempts >= 1");
                    table.CheckConstraint("ck_jobs_status", "status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')");
                });

            migrationBuilder.CreateTable(
                name: "uploaded_files",
                schema: "intake",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    upload_id = table.Column<Guid>(type: "uuid", nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    name = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: false),
                    length = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<byte[]>(type: "bytea", nullable: false),
                    content = table.Column<byte[]>(type: "bytea", nullable: true),
                    uploaded_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    purged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_uploaded_files", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_jobs_queued",
                schema: "jobs",
                table: "jobs",
                columns: new[] { "not_before", "id" },
                filter: "status = 'queued'");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_requested_at",
                schema: "jobs",
                table: "jobs",
                columns: new[] { "requested_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_jobs_requested_by",
                schema: "jobs",
                table: "jobs",
                columns: new[] { "requested_by_user_id", "requested_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_jobs_running",
                schema: "jobs",
                table: "jobs",
                column: "heartbeat_at",
                filter: "status = 'running'");

            migrationBuilder.CreateIndex(
                name: "ux_jobs_dedupe_key",
                schema: "jobs",
                table: "jobs",
                column: "dedupe_key",
                unique: true,
                filter: "dedupe_key IS NOT NULL AND status IN ('queued', 'running')");

            migrationBuilder.CreateIndex(
                name: "ix_uploaded_files_upload_id_ordinal",
                schema: "intake",
                table: "uploaded_files",
                columns: new[] { "upload_id", "ordinal" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP SCHEMA quartz CASCADE;");

            migrationBuilder.DropTable(
                name: "jobs",
                schema: "jobs");

            migrationBuilder.DropTable(
                name: "uploaded_files",
                schema: "intake");
        }
    }
}
