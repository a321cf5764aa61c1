using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class RepresentativeCopyHiddenLabels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string[]>(
                name: "hidden_labels",
                schema: "roi",
                table: "requests",
                type: "text[]",
                nullable: false,
                defaultValue: new string[0]);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "hidden_labels",
                schema: "roi",
                table: "requests");
        }
    }
}
