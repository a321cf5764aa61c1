using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class AccessHistory : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "assignment_history",
                schema: "access",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    assignment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    valid_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    valid_to = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    changed_by_user_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_assignment_history", x => x.id);
                    table.CheckConstraint("ck_assignment_history_period", "valid_to IS NULL OR valid_to >= valid_from");
                    table.ForeignKey(
                        name: "fk_assignment_history_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalSchema: "identity",
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_assignment_history_patient_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_assignment_history_treatment_assignments_assignment_id",
                        column: x => x.assignment_id,
                        principalSchema: "access",
                        principalTable: "treatment_assignments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "restriction_history",
                schema: "access",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    vip = table.Column<bool>(type: "boolean", nullable: false),
                    employee = table.Column<bool>(type: "boolean", nullable: false),
                    employee_department = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    note = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    valid_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    valid_to = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    changed_by_user_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_restriction_history", x => x.id);
                    table.CheckConstraint("ck_restriction_history_period", "valid_to IS NULL OR valid_to >= valid_from");
                    table.ForeignKey(
                        name: "fk_restriction_history_patient_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "user_profile_history",
                schema: "access",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    department = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    family_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    address_line = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    city = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    state = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    postal_code = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    patient_mrn = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    valid_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    valid_to = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    changed_by_user_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_profile_history", x => x.id);
                    table.CheckConstraint("ck_user_profile_history_period", "valid_to IS NULL OR valid_to >= valid_from");
                    table.ForeignKey(
                        name: "fk_user_profile_history_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalSchema: "identity",
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "user_role_history",
                schema: "access",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    roles = table.Column<string[]>(type: "text[]", nullable: false),
                    valid_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    valid_to = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    changed_by_user_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_role_history", x => x.id);
                    table.CheckConstraint("ck_user_role_history_period", "valid_to IS NULL OR valid_to >= valid_from");
                    table.ForeignKey(
                        name: "fk_user_role_history_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalSchema: "identity",
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_assignment_history_assignment_id",
                schema: "access",
                table: "assignment_history",
                column: "assignment_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_assignment_history_patient_id",
                schema: "access",
                table: "assignment_history",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_assignment_history_user_id_patient_id_valid_from",
                schema: "access",
                table: "assignment_history",
                columns: new[] { "user_id", "patient_id", "valid_from" });

            migrationBuilder.CreateIndex(
                name: "ix_restriction_history_patient_id_valid_from",
                schema: "access",
                table: "restriction_history",
                columns: new[] { "patient_id", "valid_from" });

            migrationBuilder.CreateIndex(
                name: "ux_restriction_history_current",
                schema: "access",
                table: "restriction_history",
                column: "patient_id",
                unique: true,
                filter: "valid_to IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_user_profile_history_user_id_valid_from",
                schema: "access",
                table: "user_profile_history",
                columns: new[] { "user_id", "valid_from" });

            migrationBuilder.CreateIndex(
                name: "ux_user_profile_history_current",
                schema: "access",
                table: "user_profile_history",
                column: "user_id",
                unique: true,
                filter: "valid_to IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_user_role_history_user_id_valid_from",
                schema: "access",
                table: "user_role_history",
                columns: new[] { "user_id", "valid_from" });

            migrationBuilder.CreateIndex(
                name: "ux_user_role_history_current",
                schema: "access",
                table: "user_role_history",
                column: "user_id",
                unique: true,
                filter: "valid_to IS NULL");

            // Hand-written (Data/Access/AccessHistorySql.cs): existing rows into the history, the guards that let a period
            // only be ended, and the duration words of the monitoring rules.
            migrationBuilder.Sql(HimPortal.Data.Access.AccessHistorySql.Backfill);
            migrationBuilder.Sql(HimPortal.Data.Access.AccessHistorySql.Guards);
            migrationBuilder.Sql(HimPortal.Data.Access.AccessHistorySql.ElapsedWords);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(HimPortal.Data.Access.AccessHistorySql.DropElapsedWords);
            migrationBuilder.Sql(HimPortal.Data.Access.AccessHistorySql.DropGuards);

            migrationBuilder.DropTable(
                name: "assignment_history",
                schema: "access");

            migrationBuilder.DropTable(
                name: "restriction_history",
                schema: "access");

            migrationBuilder.DropTable(
                name: "user_profile_history",
                schema: "access");

            migrationBuilder.DropTable(
                name: "user_role_history",
                schema: "access");
        }
    }
}
