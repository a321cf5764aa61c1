using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class PortalAmendmentLetters : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "extension_letter_object_id",
                schema: "portal",
                table: "amendments",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "rebuttal_letter_object_id",
                schema: "portal",
                table: "amendments",
                type: "uuid",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "extension_letter_object_id",
                schema: "portal",
                table: "amendments");

            migrationBuilder.DropColumn(
                name: "rebuttal_letter_object_id",
                schema: "portal",
                table: "amendments");
        }
    }
}
