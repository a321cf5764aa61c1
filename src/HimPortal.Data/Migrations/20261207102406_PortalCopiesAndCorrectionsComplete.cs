using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class PortalCopiesAndCorrectionsComplete : Migration
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

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "include_with_disclosures_at",
                schema: "portal",
                table: "amendments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "letter_object_id",
                schema: "portal",
                table: "amendment_recipients",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "mailed_at",
                schema: "portal",
                table: "amendment_recipients",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "hidden_labels",
                schema: "roi",
                table: "requests");

            migrationBuilder.DropColumn(
                name: "include_with_disclosures_at",
                schema: "portal",
                table: "amendments");

            migrationBuilder.DropColumn(
                name: "letter_object_id",
                schema: "portal",
                table: "amendment_recipients");

            migrationBuilder.DropColumn(
                name: "mailed_at",
                schema: "portal",
                table: "amendment_recipients");
        }
    }
}
