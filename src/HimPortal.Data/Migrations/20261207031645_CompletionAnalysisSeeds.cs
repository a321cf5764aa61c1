using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class CompletionAnalysisSeeds : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.InsertData(
                schema: "completion",
                table: "procedure_kinds",
                columns: new[] { "code", "system", "anesthesia", "consent", "display", "surgery" },
                values: new object[,]
                {
                    { "11466000", "http://snomed.info/sct", true, true, "Cesarean section", true },
                    { "180207008", "http://snomed.info/sct", false, true, "Intravenous blood transfusion of packed cells (procedure)", false },
                    { "180325003", "http://snomed.info/sct", true, true, "Electrical cardioversion", false },
                    { "18286008", "http://snomed.info/sct", true, true, "Catheter ablation of tissue of heart", true },
                    { "18946005", "http://snomed.info/sct", true, true, "Epidural anesthesia", false },
                    { "274031008", "http://snomed.info/sct", true, true, "Rectal polypectomy", true },
                    { "43075005", "http://snomed.info/sct", true, true, "Partial resection of colon", true },
                    { "433112001", "http://snomed.info/sct", true, true, "Percutaneous mechanical thrombectomy of portal vein using fluoroscopic guidance", true },
                    { "447365002", "http://snomed.info/sct", true, true, "Insertion of biventricular implantable cardioverter defibrillator", true },
                    { "699253003", "http://snomed.info/sct", true, true, "Surgical manipulation of joint of knee", true },
                    { "714812005", "http://snomed.info/sct", true, true, "Induced termination of pregnancy", true },
                    { "73761001", "http://snomed.info/sct", true, true, "Colonoscopy", false },
                    { "80146002", "http://snomed.info/sct", true, true, "Appendectomy", true }
                });

            migrationBuilder.InsertData(
                schema: "completion",
                table: "rules",
                columns: new[] { "id", "anchor", "before_procedure_flag", "citation", "code", "description", "document_types", "due_days", "due_hours", "enabled", "encounter_classes", "facility_ids", "kind", "name", "procedure_flag", "responsible", "update_note_types", "update_within_hours", "updated_at", "updated_by", "window_end_hours", "window_start_hours" },
                values: new object[,]
                {
                    { new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0008"), "procedure", null, "42 CFR 482.52(b)(1)", "pre-anesthesia", "By a practitioner qualified to administer anesthesia. LOINC 34750-0 Anesthesiology note, 11485-0 Anesthesia records.", new[] { "34750-0", "11485-0" }, null, null, true, new[] { "IMP", "OBSENC", "SS" }, new Guid[0], "document", "Pre-anesthesia evaluation within 48 hours before a procedure needing anesthesia", "anesthesia", "primary-performer", new string[0], null, new DateTimeOffset(new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, 0, -48 },
                    { new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0009"), "procedure", null, "42 CFR 482.52(b)(2)", "post-anesthesia", "After the patient leaves the anesthesia care area and no later than 48 hours after the procedure. LOINC 34750-0 Anesthesiology note, 11485-0 Anesthesia records.", new[] { "34750-0", "11485-0" }, null, null, true, new[] { "IMP", "OBSENC", "SS" }, new Guid[0], "document", "Post-anesthesia evaluation within 48 hours after the procedure", "anesthesia", "primary-performer", new string[0], null, new DateTimeOffset(new DateTime(2026, 12, 7, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)), null, 48, 0 }
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DeleteData(
                schema: "completion",
                table: "procedure_kinds",
                keyColumns: new[] { "code", "system" },
                keyValues: new object[] { "11466000", "http://snomed.info/sct" });

            migrationBuilder.DeleteData(
                schema: "completion",
                table: "procedure_kinds",
                keyColumns: new[] { "code", "system" },
                keyValues: new object[] { "180207008", "http://snomed.info/sct" });

            migrationBuilder.DeleteData(
                schema: "completion",
                table: "procedure_kinds",
                keyColumns: new[] { "code", "system" },
                keyValues: new object[] { "180325003", "http://snomed.info/sct" });

            migrationBuilder.DeleteData(
                schema: "completion",
                table: "procedure_kinds",
                keyColumns: new[] { "code", "system" },
                keyValues: new object[] { "18286008", "http://snomed.info/sct" });

            migrationBuilder.DeleteData(
                schema: "completion",
                table: "procedure_kinds",
                keyColumns: new[] { "code", "system" },
                keyValues: new object[] { "18946005", "http://snomed.info/sct" });

            migrationBuilder.DeleteData(
                schema: "completion",
                table: "procedure_kinds",
                keyColumns: new[] { "code", "system" },
                keyValues: new object[] { "274031008", "http://snomed.info/sct" });

            migrationBuilder.DeleteData(
                schema: "completion",
                table: "procedure_kinds",
                keyColumns: new[] { "code", "system" },
                keyValues: new object[] { "43075005", "http://snomed.info/sct" });

            migrationBuilder.DeleteData(
                schema: "completion",
                table: "procedure_kinds",
                keyColumns: new[] { "code", "system" },
                keyValues: new object[] { "433112001", "http://snomed.info/sct" });

            migrationBuilder.DeleteData(
                schema: "completion",
                table: "procedure_kinds",
                keyColumns: new[] { "code", "system" },
                keyValues: new object[] { "447365002", "http://snomed.info/sct" });

            migrationBuilder.DeleteData(
                schema: "completion",
                table: "procedure_kinds",
                keyColumns: new[] { "code", "system" },
                keyValues: new object[] { "699253003", "http://snomed.info/sct" });

            migrationBuilder.DeleteData(
                schema: "completion",
                table: "procedure_kinds",
                keyColumns: new[] { "code", "system" },
                keyValues: new object[] { "714812005", "http://snomed.info/sct" });

            migrationBuilder.DeleteData(
                schema: "completion",
                table: "procedure_kinds",
                keyColumns: new[] { "code", "system" },
                keyValues: new object[] { "73761001", "http://snomed.info/sct" });

            migrationBuilder.DeleteData(
                schema: "completion",
                table: "procedure_kinds",
                keyColumns: new[] { "code", "system" },
                keyValues: new object[] { "80146002", "http://snomed.info/sct" });

            migrationBuilder.DeleteData(
                schema: "completion",
                table: "rules",
                keyColumn: "id",
                keyValue: new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0008"));

            migrationBuilder.DeleteData(
                schema: "completion",
                table: "rules",
                keyColumn: "id",
                keyValue: new Guid("5d1c0b7e-2f4a-4e39-8a51-1b0e3c9d0009"));
        }
    }
}
