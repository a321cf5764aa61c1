using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class RoiLegalProcessQuashAndOrderLabels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string[]>(
                name: "order_covers_labels",
                schema: "roi",
                table: "requests",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);

            migrationBuilder.AddColumn<bool>(
                name: "quash_motion_pending",
                schema: "roi",
                table: "requests",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "order_covers_labels",
                schema: "roi",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "quash_motion_pending",
                schema: "roi",
                table: "requests");
        }
    }
}
