using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class DocumentQualityAndIncidents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "privacy_incidents",
                schema: "compliance",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    wrong_patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    right_patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    correction_id = table.Column<Guid>(type: "uuid", nullable: true),
                    discovered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    discovered_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    notification_due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    summary = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    breach_exception = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    nature_and_extent = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    unauthorized_person = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    acquired_or_viewed = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    mitigation = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    notified_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    disposition = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    reviewed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    reviewed_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    review_notes = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_privacy_incidents", x => x.id);
                    table.CheckConstraint("ck_privacy_incidents_disposition", "disposition IS NULL OR disposition IN ('not-a-breach','breach','follow-up')");
                    table.CheckConstraint("ck_privacy_incidents_exception", "breach_exception IS NULL OR breach_exception IN ('none','good-faith-workforce','inadvertent-authorised','cannot-retain')");
                });

            migrationBuilder.CreateTable(
                name: "quality_review_settings",
                schema: "documents",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    rate = table.Column<decimal>(type: "numeric(5,4)", precision: 5, scale: 4, nullable: false),
                    new_clerk_documents = table.Column<int>(type: "integer", nullable: false),
                    updated_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_quality_review_settings", x => x.id);
                    table.CheckConstraint("ck_quality_review_settings_one_row", "id = 1");
                    table.CheckConstraint("ck_quality_review_settings_rate", "rate >= 0 AND rate <= 1");
                });

            migrationBuilder.CreateTable(
                name: "quality_reviews",
                schema: "documents",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    filing_id = table.Column<long>(type: "bigint", nullable: false),
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    indexed_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    indexed_by = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    document_type_id = table.Column<Guid>(type: "uuid", nullable: true),
                    filed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    considered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    sample_reason = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    reviewed_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reviewed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    corrections = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    notes = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_quality_reviews", x => x.id);
                    table.CheckConstraint("ck_quality_reviews_status", "status IN ('not-sampled','pending','confirmed','corrected')");
                    table.ForeignKey(
                        name: "fk_quality_reviews_filings_filing_id",
                        column: x => x.filing_id,
                        principalSchema: "documents",
                        principalTable: "filings",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_quality_reviews_scanned_document_document_id",
                        column: x => x.document_id,
                        principalSchema: "documents",
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "patient_safety_notices",
                schema: "compliance",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    incident_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    viewed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    acknowledged_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_patient_safety_notices", x => x.id);
                    table.ForeignKey(
                        name: "fk_patient_safety_notices_privacy_incident_incident_id",
                        column: x => x.incident_id,
                        principalSchema: "compliance",
                        principalTable: "privacy_incidents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "privacy_incident_accesses",
                schema: "compliance",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    incident_id = table.Column<Guid>(type: "uuid", nullable: false),
                    audit_event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    user_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    roles = table.Column<string[]>(type: "text[]", nullable: false),
                    place = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    page = table.Column<int>(type: "integer", nullable: true),
                    purpose = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_privacy_incident_accesses", x => x.id);
                    table.ForeignKey(
                        name: "fk_privacy_incident_accesses_privacy_incident_incident_id",
                        column: x => x.incident_id,
                        principalSchema: "compliance",
                        principalTable: "privacy_incidents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_patient_safety_notices_incident_id_user_id_patient_id",
                schema: "compliance",
                table: "patient_safety_notices",
                columns: new[] { "incident_id", "user_id", "patient_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_patient_safety_notices_user_id_created_at",
                schema: "compliance",
                table: "patient_safety_notices",
                columns: new[] { "user_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_privacy_incident_accesses_incident_id_occurred_at",
                schema: "compliance",
                table: "privacy_incident_accesses",
                columns: new[] { "incident_id", "occurred_at" });

            migrationBuilder.CreateIndex(
                name: "ix_privacy_incidents_discovered_at_id",
                schema: "compliance",
                table: "privacy_incidents",
                columns: new[] { "discovered_at", "id" },
                filter: "disposition IS NULL OR disposition = 'follow-up'");

            migrationBuilder.CreateIndex(
                name: "ix_privacy_incidents_document_id",
                schema: "compliance",
                table: "privacy_incidents",
                column: "document_id");

            migrationBuilder.CreateIndex(
                name: "ix_privacy_incidents_reviewed_at_id",
                schema: "compliance",
                table: "privacy_incidents",
                columns: new[] { "reviewed_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_quality_reviews_document_id",
                schema: "documents",
                table: "quality_reviews",
                column: "document_id");

            migrationBuilder.CreateIndex(
                name: "ix_quality_reviews_filed_at_id",
                schema: "documents",
                table: "quality_reviews",
                columns: new[] { "filed_at", "id" },
                filter: "status = 'pending'");

            migrationBuilder.CreateIndex(
                name: "ix_quality_reviews_filing_id",
                schema: "documents",
                table: "quality_reviews",
                column: "filing_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_quality_reviews_indexed_by_user_id_filed_at",
                schema: "documents",
                table: "quality_reviews",
                columns: new[] { "indexed_by_user_id", "filed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_quality_reviews_reviewed_at",
                schema: "documents",
                table: "quality_reviews",
                column: "reviewed_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "patient_safety_notices",
                schema: "compliance");

            migrationBuilder.DropTable(
                name: "privacy_incident_accesses",
                schema: "compliance");

            migrationBuilder.DropTable(
                name: "quality_review_settings",
                schema: "documents");

            migrationBuilder.DropTable(
                name: "quality_reviews",
                schema: "documents");

            migrationBuilder.DropTable(
                name: "privacy_incidents",
                schema: "compliance");
        }
    }
}
