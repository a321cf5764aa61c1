using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class ChartAccess : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "access");

            migrationBuilder.CreateTable(
                name: "break_glass_accesses",
                schema: "access",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reason_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    reason_text = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    attestation = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    granted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    audit_event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reviewed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    reviewed_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    disposition = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    review_notes = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_break_glass_accesses", x => x.id);
                    table.CheckConstraint("ck_break_glass_accesses_disposition", "disposition IS NULL OR disposition IN ('appropriate','inappropriate','follow-up')");
                    table.ForeignKey(
                        name: "fk_break_glass_accesses_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalSchema: "identity",
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_break_glass_accesses_patient_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "patient_restrictions",
                schema: "access",
                columns: table => new
                {
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    vip = table.Column<bool>(type: "boolean", nullable: false),
                    employee = table.Column<bool>(type: "boolean", nullable: false),
                    employee_department = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_patient_restrictions", x => x.patient_id);
                    table.ForeignKey(
                        name: "fk_patient_restrictions_patient_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "treatment_assignments",
                schema: "access",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    assigned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    assigned_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_treatment_assignments", x => x.id);
                    table.ForeignKey(
                        name: "fk_treatment_assignments_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalSchema: "identity",
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_treatment_assignments_patient_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_break_glass_accesses_granted_at",
                schema: "access",
                table: "break_glass_accesses",
                column: "granted_at",
                filter: "reviewed_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_break_glass_accesses_patient_id",
                schema: "access",
                table: "break_glass_accesses",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_break_glass_accesses_user_id_patient_id_expires_at",
                schema: "access",
                table: "break_glass_accesses",
                columns: new[] { "user_id", "patient_id", "expires_at" });

            migrationBuilder.CreateIndex(
                name: "ix_treatment_assignments_patient_id",
                schema: "access",
                table: "treatment_assignments",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_treatment_assignments_user_id_patient_id",
                schema: "access",
                table: "treatment_assignments",
                columns: new[] { "user_id", "patient_id" },
                filter: "revoked_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "break_glass_accesses",
                schema: "access");

            migrationBuilder.DropTable(
                name: "patient_restrictions",
                schema: "access");

            migrationBuilder.DropTable(
                name: "treatment_assignments",
                schema: "access");
        }
    }
}
