using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class ResourceJsonLz4 : Migration
    {
        /// <summary>Every table of whole resources, whose <c>resource</c> column this migration changes (ADR 0012).</summary>
        private static readonly string[] Tables =
        [
            "allergies",
            "care_plans",
            "care_teams",
            "clinical_notes",
            "conditions",
            "diagnostic_reports",
            "encounters",
            "imaging_studies",
            "immunizations",
            "locations",
            "medication_administrations",
            "medication_requests",
            "medications",
            "observations",
            "organizations",
            "patients",
            "practitioner_roles",
            "practitioners",
            "procedures",
        ];

        // One ALTER TABLE per table, type and compression together, so the rewrite stores every row with lz4 already. Written
        // as SQL rather than EF Core's AlterColumn, whose compression clause comes out without its ';' in
        // `dotnet ef migrations script` (MigrationScriptTests runs that script).

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var table in Tables)
            {
                migrationBuilder.Sql(
                    $"ALTER TABLE clinical.{table} ALTER COLUMN resource TYPE json, ALTER COLUMN resource SET COMPRESSION lz4;");
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var table in Tables)
            {
                migrationBuilder.Sql(
                    $"ALTER TABLE clinical.{table} ALTER COLUMN resource TYPE jsonb USING resource::jsonb, ALTER COLUMN resource SET COMPRESSION default;");
            }
        }
    }
}
