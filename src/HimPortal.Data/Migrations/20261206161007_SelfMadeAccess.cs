using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class SelfMadeAccess : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "relationship_sources",
                schema: "access",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    parent_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    practitioner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    bundle = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: false),
                    feed = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    trusted = table.Column<bool>(type: "boolean", nullable: false),
                    recorded_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    recorded_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_relationship_sources", x => x.id);
                    table.CheckConstraint("ck_relationship_sources_kind", "kind IN ('encounter','care-team')");
                });

            migrationBuilder.CreateIndex(
                name: "ix_relationship_sources_parent_id_practitioner_id",
                schema: "access",
                table: "relationship_sources",
                columns: new[] { "parent_id", "practitioner_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_relationship_sources_patient_id",
                schema: "access",
                table: "relationship_sources",
                column: "patient_id");

            // Hand-written (Data/Access/RelationshipSource.cs): rows are evidence, only ever added.
            migrationBuilder.Sql(HimPortal.Data.Access.RelationshipSourceSql.Guards);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(HimPortal.Data.Access.RelationshipSourceSql.DropGuards);
            migrationBuilder.DropTable(
                name: "relationship_sources",
                schema: "access");
        }
    }
}
