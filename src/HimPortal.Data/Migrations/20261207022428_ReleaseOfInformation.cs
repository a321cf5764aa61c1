using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class ReleaseOfInformation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "roi");

            migrationBuilder.CreateTable(
                name: "accounting_suspensions",
                schema: "roi",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    agency = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    statement = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    oral = table.Column<bool>(type: "boolean", nullable: false),
                    from = table.Column<DateOnly>(type: "date", nullable: false),
                    until = table.Column<DateOnly>(type: "date", nullable: false),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    recorded_by_user_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_accounting_suspensions", x => x.id);
                    table.CheckConstraint("ck_accounting_suspensions_period", "until >= \"from\"");
                    table.ForeignKey(
                        name: "fk_accounting_suspensions_patients_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "authorizations",
                schema: "roi",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    document_id = table.Column<Guid>(type: "uuid", nullable: true),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    discloser = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    recipient = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    purpose = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    expires_on = table.Column<DateOnly>(type: "date", nullable: true),
                    expiration_event = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    signed_on = table.Column<DateOnly>(type: "date", nullable: true),
                    representative_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    representative_authority = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    covers_psychotherapy_notes = table.Column<bool>(type: "boolean", nullable: false),
                    covers_part2 = table.Column<bool>(type: "boolean", nullable: false),
                    covers_sud_counseling_notes = table.Column<bool>(type: "boolean", nullable: false),
                    covers_labels = table.Column<string[]>(type: "text[]", nullable: false),
                    elements = table.Column<string>(type: "jsonb", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    checked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    checked_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revocation_note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    supersedes_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_authorizations", x => x.id);
                    table.CheckConstraint("ck_authorizations_status", "status IN ('unchecked', 'valid', 'deficient', 'revoked', 'superseded')");
                    table.ForeignKey(
                        name: "fk_authorizations_authorizations_supersedes_id",
                        column: x => x.supersedes_id,
                        principalSchema: "roi",
                        principalTable: "authorizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_authorizations_documents_document_id",
                        column: x => x.document_id,
                        principalSchema: "documents",
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_authorizations_patients_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "settings",
                schema: "roi",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    hospital_state = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: false),
                    policy_days = table.Column<int>(type: "integer", nullable: false),
                    patient_fee_method = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    patient_flat_fee_cents = table.Column<int>(type: "integer", nullable: false),
                    patient_labor_page_cents = table.Column<int>(type: "integer", nullable: false),
                    paper_page_cents = table.Column<int>(type: "integer", nullable: false),
                    media_cents = table.Column<int>(type: "integer", nullable: false),
                    postage_cents = table.Column<int>(type: "integer", nullable: false),
                    patient_average_electronic_cents = table.Column<int>(type: "integer", nullable: false),
                    fee_waived_requester_types = table.Column<string[]>(type: "text[]", nullable: false),
                    release_waits_for_payment = table.Column<bool>(type: "boolean", nullable: false),
                    download_link_days = table.Column<int>(type: "integer", nullable: false),
                    download_link_max_downloads = table.Column<int>(type: "integer", nullable: false),
                    extra_restricted_labels = table.Column<string[]>(type: "text[]", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_settings", x => x.id);
                    table.CheckConstraint("ck_settings_flat_fee", "patient_flat_fee_cents BETWEEN 0 AND 650");
                    table.CheckConstraint("ck_settings_links", "download_link_days BETWEEN 1 AND 90 AND download_link_max_downloads BETWEEN 1 AND 20");
                    table.CheckConstraint("ck_settings_patient_fee_method", "patient_fee_method IN ('actual', 'average', 'flat')");
                    table.CheckConstraint("ck_settings_singleton", "id = 1");
                    table.CheckConstraint("ck_settings_state", "hospital_state ~ '^[A-Z]{2}$'");
                });

            migrationBuilder.CreateTable(
                name: "state_rules",
                schema: "roi",
                columns: table => new
                {
                    state_code = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    individual_access_days = table.Column<int>(type: "integer", nullable: true),
                    individual_access_business_days = table.Column<bool>(type: "boolean", nullable: false),
                    third_party_days = table.Column<int>(type: "integer", nullable: true),
                    citation = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    page_tiers = table.Column<string>(type: "jsonb", nullable: false),
                    electronic_page_cents = table.Column<int>(type: "integer", nullable: true),
                    retrieval_fee_cents = table.Column<int>(type: "integer", nullable: false),
                    certification_fee_cents = table.Column<int>(type: "integer", nullable: false),
                    max_fee_cents = table.Column<int>(type: "integer", nullable: true),
                    active = table.Column<bool>(type: "boolean", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_state_rules", x => x.state_code);
                    table.CheckConstraint("ck_state_rules_code", "state_code ~ '^[A-Z]{2}$'");
                    table.CheckConstraint("ck_state_rules_fees", "retrieval_fee_cents >= 0 AND certification_fee_cents >= 0 AND (max_fee_cents IS NULL OR max_fee_cents >= 0)");
                    table.CheckConstraint("ck_state_rules_individual_days", "individual_access_days IS NULL OR individual_access_days BETWEEN 1 AND 30");
                });

            migrationBuilder.CreateTable(
                name: "requests",
                schema: "roi",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    requester_type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    requester_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    requester_organization = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    requester_address = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    requester_email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    requester_phone = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    purpose = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    scope_kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    scope_from = table.Column<DateOnly>(type: "date", nullable: true),
                    scope_to = table.Column<DateOnly>(type: "date", nullable: true),
                    scope_encounter_ids = table.Column<Guid[]>(type: "uuid[]", nullable: false),
                    scope_document_types = table.Column<string[]>(type: "text[]", nullable: false),
                    scope_sections = table.Column<string[]>(type: "text[]", nullable: false),
                    format = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    delivery = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    unencrypted_email_warned_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    identity_verification = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    representative_authority_checked = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    status_reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    authorization_id = table.Column<Guid>(type: "uuid", nullable: true),
                    clock_rule = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    clock_citation = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    due_day = table.Column<DateOnly>(type: "date", nullable: true),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    extension_notice_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    extension_reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    return_date = table.Column<DateOnly>(type: "date", nullable: true),
                    certification_requested = table.Column<bool>(type: "boolean", nullable: false),
                    legal_objections = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    satisfactory_assurances = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    part2court_order = table.Column<bool>(type: "boolean", nullable: false),
                    quash_motion_pending = table.Column<bool>(type: "boolean", nullable: false),
                    order_covers_labels = table.Column<string[]>(type: "text[]", nullable: false),
                    state_code = table.Column<string>(type: "character(2)", fixedLength: true, maxLength: 2, nullable: false),
                    created_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    delivered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_requests", x => x.id);
                    table.CheckConstraint("ck_requests_delivery", "delivery IN ('secure-download', 'mail', 'pickup', 'unencrypted-email')");
                    table.CheckConstraint("ck_requests_format", "format IN ('paper', 'pdf', 'fhir-json')");
                    table.CheckConstraint("ck_requests_requester_type", "requester_type IN ('patient', 'personal-representative', 'patient-directed', 'authorized-third-party', 'attorney', 'insurer', 'continuity-of-care', 'social-security', 'workers-compensation', 'public-health', 'health-oversight', 'law-enforcement', 'court-order', 'subpoena')");
                    table.CheckConstraint("ck_requests_scope_kind", "scope_kind IN ('designated-record-set', 'whole-record', 'specific')");
                    table.CheckConstraint("ck_requests_state", "state_code ~ '^[A-Z]{2}$'");
                    table.CheckConstraint("ck_requests_status", "status IN ('received', 'validating', 'waiting-for-information', 'processing', 'quality-check', 'ready', 'invoiced', 'delivered', 'denied', 'withdrawn')");
                    table.ForeignKey(
                        name: "fk_requests_authorizations_authorization_id",
                        column: x => x.authorization_id,
                        principalSchema: "roi",
                        principalTable: "authorizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_requests_patients_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "disclosures",
                schema: "roi",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    disclosed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    recipient_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    recipient_address = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    purpose = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    legal_basis = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    source = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    impermissible = table.Column<bool>(type: "boolean", nullable: false),
                    accountable = table.Column<bool>(type: "boolean", nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: true),
                    request_copy_document_id = table.Column<Guid>(type: "uuid", nullable: true),
                    corrects_id = table.Column<Guid>(type: "uuid", nullable: true),
                    recorded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    recorded_by_user_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_disclosures", x => x.id);
                    table.CheckConstraint("ck_disclosures_source", "source IN ('release', 'manual', 'misfile', 'overlay')");
                    table.ForeignKey(
                        name: "fk_disclosures_disclosures_corrects_id",
                        column: x => x.corrects_id,
                        principalSchema: "roi",
                        principalTable: "disclosures",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_disclosures_patients_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_disclosures_release_requests_request_id",
                        column: x => x.request_id,
                        principalSchema: "roi",
                        principalTable: "requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "letters",
                schema: "roi",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: true),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    object_id = table.Column<Guid>(type: "uuid", nullable: false),
                    sha256 = table.Column<byte[]>(type: "bytea", nullable: false),
                    page_count = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sent_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_letters", x => x.id);
                    table.CheckConstraint("ck_letters_kind", "kind IN ('authorization-deficiency', 'denial', 'extension-notice', 'cover-letter', 'invoice', 'certification', 'mailing-label', 'evidence-pack', 'accounting')");
                    table.ForeignKey(
                        name: "fk_letters_patients_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_letters_requests_request_id",
                        column: x => x.request_id,
                        principalSchema: "roi",
                        principalTable: "requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "packet_items",
                schema: "roi",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    resource_type = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    resource_key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    title = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    item_date = table.Column<DateOnly>(type: "date", nullable: true),
                    included = table.Column<bool>(type: "boolean", nullable: false),
                    exclusion_reason = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: true),
                    label_codes = table.Column<string[]>(type: "text[]", nullable: false),
                    ordinal = table.Column<int>(type: "integer", nullable: false),
                    decided_by_user_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_packet_items", x => x.id);
                    table.ForeignKey(
                        name: "fk_packet_items_release_requests_request_id",
                        column: x => x.request_id,
                        principalSchema: "roi",
                        principalTable: "requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "packets",
                schema: "roi",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    format = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    job_id = table.Column<Guid>(type: "uuid", nullable: true),
                    object_id = table.Column<Guid>(type: "uuid", nullable: true),
                    sha256 = table.Column<byte[]>(type: "bytea", nullable: true),
                    length = table.Column<long>(type: "bigint", nullable: true),
                    page_count = table.Column<int>(type: "integer", nullable: true),
                    manifest = table.Column<string>(type: "jsonb", nullable: true),
                    contains_sensitive = table.Column<bool>(type: "boolean", nullable: false),
                    problem = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    queued_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    queued_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    built_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    checked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    checked_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    released_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_packets", x => x.id);
                    table.CheckConstraint("ck_packets_format", "format IN ('paper', 'pdf', 'fhir-json')");
                    table.CheckConstraint("ck_packets_status", "status IN ('queued', 'building', 'built', 'checked', 'released', 'failed', 'discarded')");
                    table.ForeignKey(
                        name: "fk_packets_release_requests_request_id",
                        column: x => x.request_id,
                        principalSchema: "roi",
                        principalTable: "requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "request_documents",
                schema: "roi",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    document_id = table.Column<Guid>(type: "uuid", nullable: false),
                    role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    attached_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    attached_by_user_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_request_documents", x => x.id);
                    table.CheckConstraint("ck_request_documents_role", "role IN ('request-letter', 'authorization', 'authority', 'court-order', 'subpoena', 'assurances', 'suspension-statement', 'other')");
                    table.ForeignKey(
                        name: "fk_request_documents_documents_document_id",
                        column: x => x.document_id,
                        principalSchema: "documents",
                        principalTable: "documents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_request_documents_requests_request_id",
                        column: x => x.request_id,
                        principalSchema: "roi",
                        principalTable: "requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "request_events",
                schema: "roi",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    from_status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    to_status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    note = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    user_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_request_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_request_events_requests_request_id",
                        column: x => x.request_id,
                        principalSchema: "roi",
                        principalTable: "requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "accounting_requests",
                schema: "roi",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: false),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    period_from = table.Column<DateOnly>(type: "date", nullable: false),
                    period_to = table.Column<DateOnly>(type: "date", nullable: false),
                    channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    due_day = table.Column<DateOnly>(type: "date", nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    extension_notice_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    fee_cents = table.Column<int>(type: "integer", nullable: false),
                    letter_id = table.Column<Guid>(type: "uuid", nullable: true),
                    answered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    created_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_accounting_requests", x => x.id);
                    table.CheckConstraint("ck_accounting_requests_fee", "fee_cents >= 0");
                    table.CheckConstraint("ck_accounting_requests_period", "period_to >= period_from");
                    table.ForeignKey(
                        name: "fk_accounting_requests_patients_patient_id",
                        column: x => x.patient_id,
                        principalSchema: "clinical",
                        principalTable: "patients",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_accounting_requests_roi_letters_letter_id",
                        column: x => x.letter_id,
                        principalSchema: "roi",
                        principalTable: "letters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "invoices",
                schema: "roi",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    number = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityAlwaysColumn),
                    lines = table.Column<string>(type: "jsonb", nullable: false),
                    total_cents = table.Column<int>(type: "integer", nullable: false),
                    basis = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    letter_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    voided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_invoices", x => x.id);
                    table.CheckConstraint("ck_invoices_total", "total_cents >= 0");
                    table.ForeignKey(
                        name: "fk_invoices_release_requests_request_id",
                        column: x => x.request_id,
                        principalSchema: "roi",
                        principalTable: "requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_invoices_roi_letters_letter_id",
                        column: x => x.letter_id,
                        principalSchema: "roi",
                        principalTable: "letters",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "redactions",
                schema: "roi",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    packet_item_id = table.Column<long>(type: "bigint", nullable: false),
                    page = table.Column<int>(type: "integer", nullable: false),
                    x = table.Column<double>(type: "double precision", nullable: false),
                    y = table.Column<double>(type: "double precision", nullable: false),
                    width = table.Column<double>(type: "double precision", nullable: false),
                    height = table.Column<double>(type: "double precision", nullable: false),
                    reason = table.Column<string>(type: "character varying(400)", maxLength: 400, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    removed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_redactions", x => x.id);
                    table.CheckConstraint("ck_redactions_box", "x >= 0 AND y >= 0 AND width > 0 AND height > 0 AND x + width <= 1.0001 AND y + height <= 1.0001");
                    table.CheckConstraint("ck_redactions_page", "page >= 1");
                    table.ForeignKey(
                        name: "fk_redactions_packet_items_packet_item_id",
                        column: x => x.packet_item_id,
                        principalSchema: "roi",
                        principalTable: "packet_items",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_redactions_release_requests_request_id",
                        column: x => x.request_id,
                        principalSchema: "roi",
                        principalTable: "requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "deliveries",
                schema: "roi",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    packet_id = table.Column<Guid>(type: "uuid", nullable: true),
                    method = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    proof = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    recorded_by_user_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_deliveries", x => x.id);
                    table.CheckConstraint("ck_deliveries_method", "method IN ('secure-download', 'mail', 'pickup', 'unencrypted-email')");
                    table.ForeignKey(
                        name: "fk_deliveries_packets_packet_id",
                        column: x => x.packet_id,
                        principalSchema: "roi",
                        principalTable: "packets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_deliveries_release_requests_request_id",
                        column: x => x.request_id,
                        principalSchema: "roi",
                        principalTable: "requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "download_links",
                schema: "roi",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    packet_id = table.Column<Guid>(type: "uuid", nullable: false),
                    token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    max_downloads = table.Column<int>(type: "integer", nullable: false),
                    downloads = table.Column<int>(type: "integer", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_download_links", x => x.id);
                    table.CheckConstraint("ck_download_links_count", "downloads >= 0 AND downloads <= max_downloads");
                    table.ForeignKey(
                        name: "fk_download_links_packets_packet_id",
                        column: x => x.packet_id,
                        principalSchema: "roi",
                        principalTable: "packets",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_download_links_release_requests_request_id",
                        column: x => x.request_id,
                        principalSchema: "roi",
                        principalTable: "requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "payments",
                schema: "roi",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    invoice_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount_cents = table.Column<int>(type: "integer", nullable: false),
                    method = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    reference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    received_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    recorded_by_user_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payments", x => x.id);
                    table.CheckConstraint("ck_payments_amount", "amount_cents > 0");
                    table.ForeignKey(
                        name: "fk_payments_invoices_invoice_id",
                        column: x => x.invoice_id,
                        principalSchema: "roi",
                        principalTable: "invoices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "download_events",
                schema: "roi",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    link_id = table.Column<Guid>(type: "uuid", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    address = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_download_events", x => x.id);
                    table.ForeignKey(
                        name: "fk_download_events_download_links_link_id",
                        column: x => x.link_id,
                        principalSchema: "roi",
                        principalTable: "download_links",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                schema: "roi",
                table: "settings",
                columns: new[] { "id", "download_link_days", "download_link_max_downloads", "extra_restricted_labels", "fee_waived_requester_types", "hospital_state", "media_cents", "paper_page_cents", "patient_average_electronic_cents", "patient_fee_method", "patient_flat_fee_cents", "patient_labor_page_cents", "policy_days", "postage_cents", "release_waits_for_payment" },
                values: new object[] { 1, 30, 3, new string[0], new[] { "continuity-of-care", "social-security" }, "MA", 300, 5, 650, "flat", 650, 10, 30, 150, true });

            migrationBuilder.CreateIndex(
                name: "ix_accounting_requests_letter_id",
                schema: "roi",
                table: "accounting_requests",
                column: "letter_id");

            migrationBuilder.CreateIndex(
                name: "ix_accounting_requests_patient_id_received_at",
                schema: "roi",
                table: "accounting_requests",
                columns: new[] { "patient_id", "received_at" });

            migrationBuilder.CreateIndex(
                name: "ix_accounting_suspensions_patient_id",
                schema: "roi",
                table: "accounting_suspensions",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_authorizations_document_id",
                schema: "roi",
                table: "authorizations",
                column: "document_id");

            migrationBuilder.CreateIndex(
                name: "ix_authorizations_patient_id",
                schema: "roi",
                table: "authorizations",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_authorizations_supersedes_id",
                schema: "roi",
                table: "authorizations",
                column: "supersedes_id");

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_packet_id",
                schema: "roi",
                table: "deliveries",
                column: "packet_id");

            migrationBuilder.CreateIndex(
                name: "ix_deliveries_request_id",
                schema: "roi",
                table: "deliveries",
                column: "request_id");

            migrationBuilder.CreateIndex(
                name: "ix_disclosures_corrects_id",
                schema: "roi",
                table: "disclosures",
                column: "corrects_id");

            migrationBuilder.CreateIndex(
                name: "ix_disclosures_patient_id_disclosed_at",
                schema: "roi",
                table: "disclosures",
                columns: new[] { "patient_id", "disclosed_at" });

            migrationBuilder.CreateIndex(
                name: "ix_disclosures_request_id",
                schema: "roi",
                table: "disclosures",
                column: "request_id");

            migrationBuilder.CreateIndex(
                name: "ix_download_events_link_id_at",
                schema: "roi",
                table: "download_events",
                columns: new[] { "link_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_download_links_packet_id",
                schema: "roi",
                table: "download_links",
                column: "packet_id");

            migrationBuilder.CreateIndex(
                name: "ix_download_links_request_id",
                schema: "roi",
                table: "download_links",
                column: "request_id");

            migrationBuilder.CreateIndex(
                name: "ix_download_links_token_hash",
                schema: "roi",
                table: "download_links",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_invoices_letter_id",
                schema: "roi",
                table: "invoices",
                column: "letter_id");

            migrationBuilder.CreateIndex(
                name: "ix_invoices_number",
                schema: "roi",
                table: "invoices",
                column: "number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_invoices_request_id",
                schema: "roi",
                table: "invoices",
                column: "request_id");

            migrationBuilder.CreateIndex(
                name: "ix_letters_patient_id",
                schema: "roi",
                table: "letters",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_letters_request_id_created_at",
                schema: "roi",
                table: "letters",
                columns: new[] { "request_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_packet_items_request_id_ordinal",
                schema: "roi",
                table: "packet_items",
                columns: new[] { "request_id", "ordinal" });

            migrationBuilder.CreateIndex(
                name: "ix_packet_items_request_id_resource_type_resource_key",
                schema: "roi",
                table: "packet_items",
                columns: new[] { "request_id", "resource_type", "resource_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_packets_released_at",
                schema: "roi",
                table: "packets",
                column: "released_at",
                filter: "released_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_packets_request_id_queued_at",
                schema: "roi",
                table: "packets",
                columns: new[] { "request_id", "queued_at" });

            migrationBuilder.CreateIndex(
                name: "ix_payments_invoice_id",
                schema: "roi",
                table: "payments",
                column: "invoice_id");

            migrationBuilder.CreateIndex(
                name: "ix_redactions_packet_item_id",
                schema: "roi",
                table: "redactions",
                column: "packet_item_id");

            migrationBuilder.CreateIndex(
                name: "ix_redactions_request_id_packet_item_id",
                schema: "roi",
                table: "redactions",
                columns: new[] { "request_id", "packet_item_id" });

            migrationBuilder.CreateIndex(
                name: "ix_request_documents_document_id",
                schema: "roi",
                table: "request_documents",
                column: "document_id");

            migrationBuilder.CreateIndex(
                name: "ix_request_documents_request_id_document_id_role",
                schema: "roi",
                table: "request_documents",
                columns: new[] { "request_id", "document_id", "role" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_request_events_kind_at",
                schema: "roi",
                table: "request_events",
                columns: new[] { "kind", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_request_events_request_id_id",
                schema: "roi",
                table: "request_events",
                columns: new[] { "request_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_requests_authorization_id",
                schema: "roi",
                table: "requests",
                column: "authorization_id");

            migrationBuilder.CreateIndex(
                name: "ix_requests_number",
                schema: "roi",
                table: "requests",
                column: "number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_requests_open_due",
                schema: "roi",
                table: "requests",
                columns: new[] { "due_at", "id" },
                filter: "closed_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_requests_patient_id_received_at",
                schema: "roi",
                table: "requests",
                columns: new[] { "patient_id", "received_at" });

            migrationBuilder.CreateIndex(
                name: "ix_requests_requester_type_due_at_id",
                schema: "roi",
                table: "requests",
                columns: new[] { "requester_type", "due_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_requests_status_due_at_id",
                schema: "roi",
                table: "requests",
                columns: new[] { "status", "due_at", "id" });

            // What the law makes evidence is never removed (ADR 0030): requests, authorizations, letters, invoices, payments,
            // packets, links and deliveries are closed or superseded, never deleted; the timeline, the downloads and the
            // accounting of disclosures (45 CFR 164.528, kept six years by 164.530(j)) are append-only; a released packet's
            // bytes never change (it is re-sent byte-identical).
            migrationBuilder.Sql("""
                CREATE FUNCTION roi.refuse_removal() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    RAISE EXCEPTION '% on table "roi.%" refused: release-of-information records are evidence and are never removed', TG_OP, TG_TABLE_NAME
                        USING ERRCODE = 'integrity_constraint_violation';
                END $fn$;
                CREATE FUNCTION roi.keep_released_packet() RETURNS trigger LANGUAGE plpgsql AS $fn$
                BEGIN
                    IF OLD.released_at IS NOT NULL AND (NEW.object_id IS DISTINCT FROM OLD.object_id OR NEW.sha256 IS DISTINCT FROM OLD.sha256
                        OR NEW.manifest IS DISTINCT FROM OLD.manifest OR NEW.released_at IS DISTINCT FROM OLD.released_at) THEN
                        RAISE EXCEPTION 'packet % was released and never changes', OLD.id USING ERRCODE = 'integrity_constraint_violation';
                    END IF;
                    RETURN NEW;
                END $fn$;
                CREATE TRIGGER keep_released BEFORE UPDATE ON roi.packets FOR EACH ROW EXECUTE FUNCTION roi.keep_released_packet();
                DO $do$
                DECLARE t text;
                BEGIN
                    FOREACH t IN ARRAY ARRAY['requests','authorizations','letters','invoices','payments','packets','download_links','deliveries',
                        'request_documents','accounting_suspensions','accounting_requests'] LOOP
                        EXECUTE format('CREATE TRIGGER refuse_delete BEFORE DELETE ON roi.%I FOR EACH STATEMENT EXECUTE FUNCTION roi.refuse_removal()', t);
                        EXECUTE format('CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON roi.%I FOR EACH STATEMENT EXECUTE FUNCTION roi.refuse_removal()', t);
                    END LOOP;
                    FOREACH t IN ARRAY ARRAY['request_events','download_events','disclosures'] LOOP
                        EXECUTE format('CREATE TRIGGER refuse_change BEFORE UPDATE OR DELETE ON roi.%I FOR EACH STATEMENT EXECUTE FUNCTION roi.refuse_removal()', t);
                        EXECUTE format('CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON roi.%I FOR EACH STATEMENT EXECUTE FUNCTION roi.refuse_removal()', t);
                    END LOOP;
                END $do$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP FUNCTION roi.refuse_removal() CASCADE; DROP FUNCTION roi.keep_released_packet() CASCADE;");

            migrationBuilder.DropTable(
                name: "accounting_requests",
                schema: "roi");

            migrationBuilder.DropTable(
                name: "accounting_suspensions",
                schema: "roi");

            migrationBuilder.DropTable(
                name: "deliveries",
                schema: "roi");

            migrationBuilder.DropTable(
                name: "disclosures",
                schema: "roi");

            migrationBuilder.DropTable(
                name: "download_events",
                schema: "roi");

            migrationBuilder.DropTable(
                name: "payments",
                schema: "roi");

            migrationBuilder.DropTable(
                name: "redactions",
                schema: "roi");

            migrationBuilder.DropTable(
                name: "request_documents",
                schema: "roi");

            migrationBuilder.DropTable(
                name: "request_events",
                schema: "roi");

            migrationBuilder.DropTable(
                name: "settings",
                schema: "roi");

            migrationBuilder.DropTable(
                name: "state_rules",
                schema: "roi");

            migrationBuilder.DropTable(
                name: "download_links",
                schema: "roi");

            migrationBuilder.DropTable(
                name: "invoices",
                schema: "roi");

            migrationBuilder.DropTable(
                name: "packet_items",
                schema: "roi");

            migrationBuilder.DropTable(
                name: "packets",
                schema: "roi");

            migrationBuilder.DropTable(
                name: "letters",
                schema: "roi");

            migrationBuilder.DropTable(
                name: "requests",
                schema: "roi");

            migrationBuilder.DropTable(
                name: "authorizations",
                schema: "roi");
        }
    }
}
