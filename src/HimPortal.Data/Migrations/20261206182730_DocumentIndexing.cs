using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class DocumentIndexing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "document_types",
                schema: "documents",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    loinc_code = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    sort_order = table.Column<int>(type: "integer", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_types", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "pages",
                schema: "documents",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    received_file_id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<int>(type: "integer", nullable: false),
                    image_object_id = table.Column<Guid>(type: "uuid", nullable: true),
                    thumbnail_object_id = table.Column<Guid>(type: "uuid", nullable: true),
                    width_pixels = table.Column<int>(type: "integer", nullable: true),
                    height_pixels = table.Column<int>(type: "integer", nullable: true),
                    looks_blank = table.Column<bool>(type: "boolean", nullable: false),
                    text = table.Column<string>(type: "text", nullable: true),
                    text_source = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    ocr_status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    rendered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_pages", x => x.id);
                    table.ForeignKey(
                        name: "fk_pages_received_files_received_file_id",
                        column: x => x.received_file_id,
                        principalSchema: "documents",
                        principalTable: "received_files",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "documents",
                schema: "documents",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    received_file_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    source = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    page_count = table.Column<int>(type: "integer", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: true),
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: true),
                    document_type_id = table.Column<Guid>(type: "uuid", nullable: true),
                    document_date = table.Column<DateOnly>(type: "date", nullable: true),
                    service_date = table.Column<DateOnly>(type: "date", nullable: true),
                    author = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    author_practitioner_id = table.Column<Guid>(type: "uuid", nullable: true),
                    bears_signature = table.Column<bool>(type: "boolean", nullable: false),
                    signed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    clinical_note_id = table.Column<Guid>(type: "uuid", nullable: true),
                    indexed_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    indexed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    indexed_by = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_documents", x => x.id);
                    table.ForeignKey(
                        name: "fk_documents_document_types_document_type_id",
                        column: x => x.document_type_id,
                        principalSchema: "documents",
                        principalTable: "document_types",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_documents_received_files_received_file_id",
                        column: x => x.received_file_id,
                        principalSchema: "documents",
                        principalTable: "received_files",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "document_pages",
                schema: "documents",
                columns: table => new
                {
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    page_id = table.Column<Guid>(type: "uuid", nullable: false),
                    rotation = table.Column<short>(type: "smallint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_document_pages", x => new { x.document_id, x.ordinal });
                    table.CheckConstraint("ck_document_pages_rotation", "rotation in (0, 90, 180, 270)");
                    table.ForeignKey(
                        name: "fk_document_pages_documents_document_id",
                        column: x => x.document_id,
                        principalSchema: "documents",
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_document_pages_pages_page_id",
                        column: x => x.page_id,
                        principalSchema: "documents",
                        principalTable: "pages",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "filings",
                schema: "documents",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: true),
                    encounter_id = table.Column<Guid>(type: "uuid", nullable: true),
                    document_type_id = table.Column<Guid>(type: "uuid", nullable: true),
                    clinical_note_id = table.Column<Guid>(type: "uuid", nullable: true),
                    previous_patient_id = table.Column<Guid>(type: "uuid", nullable: true),
                    previous_encounter_id = table.Column<Guid>(type: "uuid", nullable: true),
                    previous_document_type_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_filings", x => x.id);
                    table.ForeignKey(
                        name: "fk_filings_scanned_document_document_id",
                        column: x => x.document_id,
                        principalSchema: "documents",
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                schema: "documents",
                table: "document_types",
                columns: new[] { "id", "active", "loinc_code", "name", "sort_order" },
                values: new object[,]
                {
                    { new Guid("0d6f2a10-15a1-4c0e-9d01-000000000001"), true, "34117-2", "History and physical", 10 },
                    { new Guid("0d6f2a10-15a1-4c0e-9d01-000000000002"), true, "18842-5", "Discharge summary", 20 },
                    { new Guid("0d6f2a10-15a1-4c0e-9d01-000000000003"), true, "11504-8", "Operative note", 30 },
                    { new Guid("0d6f2a10-15a1-4c0e-9d01-000000000004"), true, "11506-3", "Progress note", 40 },
                    { new Guid("0d6f2a10-15a1-4c0e-9d01-000000000005"), true, "11488-4", "Consultation note", 50 },
                    { new Guid("0d6f2a10-15a1-4c0e-9d01-000000000006"), true, "59284-0", "Consent", 60 },
                    { new Guid("0d6f2a10-15a1-4c0e-9d01-000000000007"), true, null, "Outside records", 70 },
                    { new Guid("0d6f2a10-15a1-4c0e-9d01-000000000008"), true, null, "Authorization for release of information", 80 },
                    { new Guid("0d6f2a10-15a1-4c0e-9d01-000000000009"), true, null, "Correspondence", 90 }
                });

            migrationBuilder.CreateIndex(
                name: "ix_document_pages_page_id",
                schema: "documents",
                table: "document_pages",
                column: "page_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_document_types_name",
                schema: "documents",
                table: "document_types",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_documents_clinical_note_id",
                schema: "documents",
                table: "documents",
                column: "clinical_note_id");

            migrationBuilder.CreateIndex(
                name: "ix_documents_document_type_id",
                schema: "documents",
                table: "documents",
                column: "document_type_id");

            migrationBuilder.CreateIndex(
                name: "ix_documents_patient_id",
                schema: "documents",
                table: "documents",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_documents_received_file_id",
                schema: "documents",
                table: "documents",
                column: "received_file_id");

            migrationBuilder.CreateIndex(
                name: "ix_documents_status_received_at_id",
                schema: "documents",
                table: "documents",
                columns: new[] { "status", "received_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_documents_status_source_received_at_id",
                schema: "documents",
                table: "documents",
                columns: new[] { "status", "source", "received_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_filings_at",
                schema: "documents",
                table: "filings",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_filings_document_id_id",
                schema: "documents",
                table: "filings",
                columns: new[] { "document_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_pages_ocr_status",
                schema: "documents",
                table: "pages",
                column: "ocr_status",
                filter: "ocr_status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ix_pages_received_file_id_number",
                schema: "documents",
                table: "pages",
                columns: new[] { "received_file_id", "number" },
                unique: true);
        
            // Scanned documents are part of the record's history: never deleted (dispositioned instead), and every
            // placement is kept as it was written (42 CFR 482.24(c): the record is amended, not rewritten).
            migrationBuilder.Sql("""
                CREATE FUNCTION documents.refuse_removal() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    RAISE EXCEPTION '% on table "documents.%" refused: scanned documents and their history are never removed', TG_OP, TG_TABLE_NAME
                        USING ERRCODE = 'restrict_violation';
                END $fn$;
                CREATE TRIGGER refuse_delete BEFORE DELETE ON documents.pages FOR EACH STATEMENT EXECUTE FUNCTION documents.refuse_removal();
                CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON documents.pages FOR EACH STATEMENT EXECUTE FUNCTION documents.refuse_removal();
                CREATE TRIGGER refuse_delete BEFORE DELETE ON documents.documents FOR EACH STATEMENT EXECUTE FUNCTION documents.refuse_removal();
                CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON documents.documents FOR EACH STATEMENT EXECUTE FUNCTION documents.refuse_removal();
                CREATE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON documents.filings FOR EACH STATEMENT EXECUTE FUNCTION documents.refuse_removal();
                CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON documents.filings FOR EACH STATEMENT EXECUTE FUNCTION documents.refuse_removal();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION documents.refuse_removal() CASCADE;");

            migrationBuilder.DropTable(
                name: "document_pages",
                schema: "documents");

            migrationBuilder.DropTable(
                name: "filings",
                schema: "documents");

            migrationBuilder.DropTable(
                name: "pages",
                schema: "documents");

            migrationBuilder.DropTable(
                name: "documents",
                schema: "documents");

            migrationBuilder.DropTable(
                name: "document_types",
                schema: "documents");
        }
    }
}
