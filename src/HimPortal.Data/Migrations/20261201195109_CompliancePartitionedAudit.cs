using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class CompliancePartitionedAudit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.EnsureSchema(
                name: "compliance");

            migrationBuilder.AddColumn<string>(
                name: "address_line",
                schema: "identity",
                table: "users",
                type: "character varying(300)",
                maxLength: 300,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "city",
                schema: "identity",
                table: "users",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "department",
                schema: "identity",
                table: "users",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "family_name",
                schema: "identity",
                table: "users",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "patient_mrn",
                schema: "identity",
                table: "users",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "postal_code",
                schema: "identity",
                table: "users",
                type: "character varying(20)",
                maxLength: 20,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "state",
                schema: "identity",
                table: "users",
                type: "character varying(50)",
                maxLength: 50,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "alerts",
                schema: "compliance",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    rule_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    dedupe_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    user_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    patient_id = table.Column<Guid>(type: "uuid", nullable: true),
                    first_event_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_event_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    event_count = table.Column<int>(type: "integer", nullable: false),
                    summary = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    evidence = table.Column<string>(type: "jsonb", nullable: false),
                    raised_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    reviewed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    reviewed_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    disposition = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    review_notes = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_alerts", x => x.id);
                    table.CheckConstraint("ck_alerts_disposition", "disposition IS NULL OR disposition IN ('appropriate','inappropriate','follow-up')");
                });

            migrationBuilder.CreateTable(
                name: "archived_partitions",
                schema: "audit",
                columns: table => new
                {
                    partition_name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false),
                    range_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    range_to = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    rows = table.Column<long>(type: "bigint", nullable: false),
                    file_sha256 = table.Column<byte[]>(type: "bytea", nullable: false),
                    file_name = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    archived_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    archived_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_archived_partitions", x => x.partition_name);
                });

            migrationBuilder.CreateTable(
                name: "chain_verifications",
                schema: "compliance",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    requested_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    requested_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    requested_by_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    range_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    range_to = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    rows_checked = table.Column<long>(type: "bigint", nullable: false),
                    lanes_seen = table.Column<int>(type: "integer", nullable: false),
                    breaks = table.Column<string>(type: "jsonb", nullable: true),
                    error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_chain_verifications", x => x.id);
                    table.CheckConstraint("ck_chain_verifications_status", "status IN ('queued','running','intact','broken','failed')");
                    table.ForeignKey(
                        name: "fk_chain_verifications_asp_net_users_requested_by_user_id",
                        column: x => x.requested_by_user_id,
                        principalSchema: "identity",
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "lane_heads",
                schema: "audit",
                columns: table => new
                {
                    lane = table.Column<short>(type: "smallint", nullable: false),
                    lane_seq = table.Column<long>(type: "bigint", nullable: false),
                    hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_lane_heads", x => x.lane);
                    table.CheckConstraint("ck_lane_heads_hash", "octet_length(hash) = 32");
                });

            migrationBuilder.CreateTable(
                name: "monitoring_rules",
                schema: "compliance",
                columns: table => new
                {
                    rule_code = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    enabled = table.Column<bool>(type: "boolean", nullable: false),
                    parameters = table.Column<string>(type: "jsonb", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_monitoring_rules", x => x.rule_code);
                });

            migrationBuilder.CreateTable(
                name: "monitoring_runs",
                schema: "compliance",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    trigger = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    requested_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    window_from = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    window_to = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    alerts_raised = table.Column<int>(type: "integer", nullable: false),
                    alerts_updated = table.Column<int>(type: "integer", nullable: false),
                    rule_counts = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_monitoring_runs", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "archive_links",
                schema: "audit",
                columns: table => new
                {
                    lane = table.Column<short>(type: "smallint", nullable: false),
                    lane_seq = table.Column<long>(type: "bigint", nullable: false),
                    hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    partition_name = table.Column<string>(type: "character varying(63)", maxLength: 63, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_archive_links", x => new { x.lane, x.lane_seq });
                    table.ForeignKey(
                        name: "fk_archive_links_archived_partitions_partition_name",
                        column: x => x.partition_name,
                        principalSchema: "audit",
                        principalTable: "archived_partitions",
                        principalColumn: "partition_name",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "ix_users_patient_mrn",
                schema: "identity",
                table: "users",
                column: "patient_mrn",
                filter: "patient_mrn IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_alerts_dedupe_key",
                schema: "compliance",
                table: "alerts",
                column: "dedupe_key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_alerts_patient_id",
                schema: "compliance",
                table: "alerts",
                column: "patient_id");

            migrationBuilder.CreateIndex(
                name: "ix_alerts_raised_at",
                schema: "compliance",
                table: "alerts",
                column: "raised_at",
                filter: "reviewed_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_alerts_rule_code_raised_at",
                schema: "compliance",
                table: "alerts",
                columns: new[] { "rule_code", "raised_at" });

            migrationBuilder.CreateIndex(
                name: "ix_alerts_user_id",
                schema: "compliance",
                table: "alerts",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_archive_links_partition_name",
                schema: "audit",
                table: "archive_links",
                column: "partition_name");

            migrationBuilder.CreateIndex(
                name: "ix_chain_verifications_requested_at",
                schema: "compliance",
                table: "chain_verifications",
                column: "requested_at");

            migrationBuilder.CreateIndex(
                name: "ix_chain_verifications_requested_by_user_id",
                schema: "compliance",
                table: "chain_verifications",
                column: "requested_by_user_id");

            migrationBuilder.CreateIndex(
                name: "ix_chain_verifications_status",
                schema: "compliance",
                table: "chain_verifications",
                column: "status",
                filter: "status IN ('queued','running')");

            migrationBuilder.CreateIndex(
                name: "ix_monitoring_runs_started_at",
                schema: "compliance",
                table: "monitoring_runs",
                column: "started_at");

            // The access audit becomes a table partitioned by month (docs/adr/0008-partitioned-audit-chain.md). Its rows move
            // over unchanged, so every hash still verifies; the chain's lane heads move into audit.lane_heads, and the
            // application role appends only through audit.append.
            migrationBuilder.Sql("""
                ALTER TABLE audit.access_events RENAME TO access_events_unpartitioned;
                ALTER INDEX audit.pk_access_events RENAME TO pk_access_events_unpartitioned;
                ALTER INDEX audit.ix_access_events_lane_lane_seq RENAME TO ix_access_events_unpartitioned_lane;
                ALTER INDEX audit.ix_access_events_occurred_at RENAME TO ix_access_events_unpartitioned_time;
                ALTER INDEX audit.ix_access_events_patient_id_occurred_at RENAME TO ix_access_events_unpartitioned_patient;
                ALTER INDEX audit.ix_access_events_user_id_occurred_at RENAME TO ix_access_events_unpartitioned_user;
                DROP FUNCTION audit.claim_lane(integer, integer);

                CREATE TABLE audit.access_events (
                    id uuid NOT NULL,
                    occurred_at timestamp with time zone NOT NULL,
                    user_id uuid,
                    user_name character varying(256),
                    roles text[] NOT NULL,
                    action character varying(20) NOT NULL,
                    outcome character varying(10) NOT NULL,
                    patient_id uuid,
                    resource_type character varying(64),
                    resource_id character varying(128),
                    purpose character varying(1000),
                    details character varying(4000),
                    client_ip character varying(64),
                    user_agent character varying(512),
                    correlation_id character varying(64),
                    lane smallint NOT NULL,
                    lane_seq bigint NOT NULL,
                    prev_hash bytea NOT NULL,
                    hash bytea NOT NULL,
                    CONSTRAINT pk_access_events PRIMARY KEY (id, occurred_at),
                    CONSTRAINT ck_access_events_action CHECK (action IN ('login','login-failed','logout','view','search','create','update','delete','print','export','disclose','break-glass','admin')),
                    CONSTRAINT ck_access_events_outcome CHECK (outcome IN ('success','denied','error')),
                    CONSTRAINT ck_access_events_hashes CHECK (octet_length(hash) = 32 AND octet_length(prev_hash) = 32)
                ) PARTITION BY RANGE (occurred_at);

                CREATE INDEX ix_access_events_lane_lane_seq ON audit.access_events (lane, lane_seq);
                -- The ready views count who, what, outcome and purpose over a patient's history or a user's month: carried in
                -- the index, their summaries are index-only scans.
                CREATE INDEX ix_access_events_patient_id_occurred_at_id ON audit.access_events (patient_id, occurred_at DESC, id DESC)
                    INCLUDE (user_id, action, outcome, purpose) WHERE patient_id IS NOT NULL;
                CREATE INDEX ix_access_events_user_id_occurred_at_id ON audit.access_events (user_id, occurred_at DESC, id DESC)
                    INCLUDE (patient_id, action, outcome, purpose);
                CREATE INDEX ix_access_events_occurred_at ON audit.access_events USING brin (occurred_at);
                CREATE INDEX ix_access_events_notable ON audit.access_events (occurred_at DESC, id DESC)
                    WHERE action IN ('break-glass','export','print','disclose','admin') OR outcome <> 'success' OR purpose = 'ETREAT';
                CREATE INDEX ix_access_events_admin ON audit.access_events (resource_id, occurred_at) WHERE action = 'admin';

                -- Statement triggers on a partitioned table fire only for statements naming it, so every partition gets its
                -- own (audit.ensure_partitions): a DELETE naming a month directly is refused like one naming the table.
                CREATE TRIGGER access_events_no_update BEFORE UPDATE ON audit.access_events
                    FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();
                CREATE TRIGGER access_events_no_delete BEFORE DELETE ON audit.access_events
                    FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();
                CREATE TRIGGER access_events_no_truncate BEFORE TRUNCATE ON audit.access_events
                    FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();
                ALTER TABLE audit.access_events ENABLE ALWAYS TRIGGER access_events_no_update;
                ALTER TABLE audit.access_events ENABLE ALWAYS TRIGGER access_events_no_delete;
                ALTER TABLE audit.access_events ENABLE ALWAYS TRIGGER access_events_no_truncate;

                -- Room on the page for the heads' frequent updates to stay HOT (no index entries, pruned in place).
                ALTER TABLE audit.lane_heads SET (fillfactor = 10);

                -- Creates the monthly partitions from the month of p_from to the month of p_to that do not exist yet, each with
                -- the append-only triggers. The application may call it (the background job keeps three months ahead); it
                -- creates nothing but months of this table, never more than two years ahead, and never a month archived.
                CREATE FUNCTION audit.ensure_partitions(p_from date, p_to date) RETURNS integer
                LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET timezone = 'UTC' AS $$
                DECLARE
                    v_month date := date_trunc('month', p_from)::date;
                    v_last date := date_trunc('month', p_to)::date;
                    v_name text;
                    v_created integer := 0;
                BEGIN
                    IF v_month IS NULL OR v_last IS NULL OR v_last < v_month THEN
                        RAISE EXCEPTION 'audit.ensure_partitions: give a first month no later than the last';
                    END IF;
                    IF v_last > date_trunc('month', now()) + interval '24 months' OR v_month < date '2000-01-01' THEN
                        RAISE EXCEPTION 'audit.ensure_partitions: months from 2000 to two years ahead only';
                    END IF;
                    -- One creator at a time, so two callers never race to create the same month.
                    PERFORM pg_advisory_xact_lock(1212763474, 0);
                    WHILE v_month <= v_last LOOP
                        v_name := 'access_events_' || to_char(v_month, 'YYYY_MM');
                        IF to_regclass('audit.' || v_name) IS NULL THEN
                            IF EXISTS (SELECT 1 FROM audit.archived_partitions a WHERE a.partition_name = v_name) THEN
                                RAISE EXCEPTION 'audit month % was archived; it cannot be reopened', to_char(v_month, 'YYYY-MM');
                            END IF;
                            EXECUTE format('CREATE TABLE audit.%I PARTITION OF audit.access_events FOR VALUES FROM (%L) TO (%L)',
                                v_name, v_month::timestamptz, (v_month + interval '1 month')::timestamptz);
                            EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON audit.%I FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change()', v_name || '_no_update', v_name);
                            EXECUTE format('CREATE TRIGGER %I BEFORE DELETE ON audit.%I FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change()', v_name || '_no_delete', v_name);
                            EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON audit.%I FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change()', v_name || '_no_truncate', v_name);
                            EXECUTE format('ALTER TABLE audit.%I ENABLE ALWAYS TRIGGER %I', v_name, v_name || '_no_update');
                            EXECUTE format('ALTER TABLE audit.%I ENABLE ALWAYS TRIGGER %I', v_name, v_name || '_no_delete');
                            EXECUTE format('ALTER TABLE audit.%I ENABLE ALWAYS TRIGGER %I', v_name, v_name || '_no_truncate');
                            v_created := v_created + 1;
                        END IF;
                        v_month := (v_month + interval '1 month')::date;
                    END LOOP;
                    RETURN v_created;
                END $$;
                REVOKE EXECUTE ON FUNCTION audit.ensure_partitions(date, date) FROM PUBLIC;

                -- The one way to append (docs/adr/0003, 0007). Claims one of the hash-chain lanes for the rest of the
                -- transaction (free lanes first, so concurrent writers do not queue), reads the lane's head from
                -- audit.lane_heads (one primary-key read, however many months there are; a separate statement, so under
                -- READ COMMITTED it sees the previous holder's committed head), links and inserts the row, and moves the head.
                CREATE FUNCTION audit.append(
                    p_id uuid, p_occurred_at timestamptz, p_user_id uuid, p_user_name varchar, p_roles text[],
                    p_action varchar, p_outcome varchar, p_patient_id uuid, p_resource_type varchar, p_resource_id varchar,
                    p_purpose varchar, p_details varchar, p_client_ip varchar, p_user_agent varchar, p_correlation_id varchar,
                    p_digest bytea, p_start integer, p_lanes integer)
                RETURNS TABLE (appended_lane smallint, appended_seq bigint, appended_prev_hash bytea, appended_hash bytea)
                LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
                DECLARE
                    v_candidate integer;
                    v_lane integer;
                    v_seq bigint;
                    v_prev bytea;
                    v_hash bytea;
                BEGIN
                    IF current_setting('transaction_isolation') <> 'read committed' THEN
                        RAISE EXCEPTION 'audit.append needs READ COMMITTED, not %', current_setting('transaction_isolation');
                    END IF;
                    FOR i IN 0 .. p_lanes - 1 LOOP
                        v_candidate := (p_start + i) % p_lanes;
                        IF pg_try_advisory_xact_lock(1212763473, v_candidate) THEN
                            v_lane := v_candidate;
                            EXIT;
                        END IF;
                    END LOOP;
                    IF v_lane IS NULL THEN
                        v_lane := p_start % p_lanes;
                        PERFORM pg_advisory_xact_lock(1212763473, v_lane);
                    END IF;
                    SELECT h.lane_seq, h.hash INTO v_seq, v_prev FROM audit.lane_heads h WHERE h.lane = v_lane;
                    IF NOT FOUND THEN
                        RAISE EXCEPTION 'audit lane % has no head in audit.lane_heads', v_lane;
                    END IF;
                    v_hash := sha256(v_prev || int2send(v_lane::smallint) || int8send(v_seq + 1) || p_digest);
                    INSERT INTO audit.access_events (id, occurred_at, user_id, user_name, roles, action, outcome, patient_id,
                        resource_type, resource_id, purpose, details, client_ip, user_agent, correlation_id, lane, lane_seq, prev_hash, hash)
                    VALUES (p_id, p_occurred_at, p_user_id, p_user_name, p_roles, p_action, p_outcome, p_patient_id,
                        p_resource_type, p_resource_id, p_purpose, p_details, p_client_ip, p_user_agent, p_correlation_id,
                        v_lane, v_seq + 1, v_prev, v_hash);
                    UPDATE audit.lane_heads h SET lane_seq = v_seq + 1, hash = v_hash, occurred_at = p_occurred_at
                    WHERE h.lane = v_lane AND h.lane_seq = v_seq;
                    IF NOT FOUND THEN
                        RAISE EXCEPTION 'audit lane % moved under its lock: a writer bypassed audit.append', v_lane;
                    END IF;
                    appended_lane := v_lane;
                    appended_seq := v_seq + 1;
                    appended_prev_hash := v_prev;
                    appended_hash := v_hash;
                    RETURN NEXT;
                END $$;
                REVOKE EXECUTE ON FUNCTION audit.append(uuid, timestamptz, uuid, varchar, text[], varchar, varchar, uuid, varchar,
                    varchar, varchar, varchar, varchar, varchar, varchar, bytea, integer, integer) FROM PUBLIC;

                -- Months from the oldest row (or a year back, whichever is earlier) to three months ahead, then the rows.
                SELECT audit.ensure_partitions(
                    least((SELECT min(occurred_at) FROM audit.access_events_unpartitioned)::date, (current_date - interval '12 months')::date),
                    (current_date + interval '3 months')::date);
                INSERT INTO audit.access_events (id, occurred_at, user_id, user_name, roles, action, outcome, patient_id, resource_type,
                    resource_id, purpose, details, client_ip, user_agent, correlation_id, lane, lane_seq, prev_hash, hash)
                SELECT id, occurred_at, user_id, user_name, roles, action, outcome, patient_id, resource_type,
                    resource_id, purpose, details, client_ip, user_agent, correlation_id, lane, lane_seq, prev_hash, hash
                FROM audit.access_events_unpartitioned;
                INSERT INTO audit.lane_heads (lane, lane_seq, hash, occurred_at)
                SELECT l.lane, coalesce(h.lane_seq, 0), coalesce(h.hash, decode(repeat('00', 32), 'hex')), h.occurred_at
                FROM generate_series(0, 15) AS l(lane)
                LEFT JOIN LATERAL (
                    SELECT e.lane_seq, e.hash, e.occurred_at FROM audit.access_events_unpartitioned e
                    WHERE e.lane = l.lane ORDER BY e.lane_seq DESC LIMIT 1) h ON true;
                DROP TABLE audit.access_events_unpartitioned;
                """);

            // Helpers of the privacy-monitoring rules (docs/adr/0009-privacy-monitoring-rules.md): names and addresses are
            // compared folded (case, common accents, spacing, street-type abbreviations), and alerts get time-ordered ids.
            migrationBuilder.Sql("""
                CREATE FUNCTION compliance.fold(p_text text) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                    SELECT btrim(regexp_replace(translate(lower(p_text),
                        'áàâäãåāăąçćčďđéèêëēėęěğíìîïīįıłñńňóòôöõøōőŕřśšşťúùûüūůűųýÿžźż',
                        'aaaaaaaaacccddeeeeeeeegiiiiiiilnnnoooooooorrssstuuuuuuuuyyzzz'), '[\s\-'']+', ' ', 'g'))
                $$;

                CREATE FUNCTION compliance.address_key(p_line text) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                    SELECT regexp_replace(
                        regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
                            ' ' || compliance.fold(p_line) || ' ',
                            ' street ', ' st ', 'g'), ' avenue ', ' ave ', 'g'), ' road ', ' rd ', 'g'), ' drive ', ' dr ', 'g'),
                            ' (apartment|apt|unit|suite|ste) ', ' # ', 'g'), ' boulevard ', ' blvd ', 'g'),
                        '[^a-z0-9#]', '', 'g')
                $$;

                CREATE FUNCTION compliance.postal_key(p_postal text) RETURNS text
                LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
                    SELECT left(regexp_replace(coalesce(p_postal, ''), '[^0-9A-Za-z]', '', 'g'), 5)
                $$;

                -- A version-7 UUID (time-ordered, RFC 9562): PostgreSQL 15 has only random ones.
                CREATE FUNCTION compliance.uuid_v7() RETURNS uuid
                LANGUAGE sql VOLATILE AS $$
                    SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid()) PLACING
                        substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
                $$;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP FUNCTION compliance.fold(text);
                DROP FUNCTION compliance.address_key(text);
                DROP FUNCTION compliance.postal_key(text);
                DROP FUNCTION compliance.uuid_v7();
                """);
            // Back to one table with the Foundation's lane function; the rows move over unchanged.
            migrationBuilder.Sql("""
                CREATE TABLE audit.access_events_single (LIKE audit.access_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS);
                INSERT INTO audit.access_events_single SELECT * FROM audit.access_events;
                DROP TABLE audit.access_events;
                DROP FUNCTION audit.append(uuid, timestamptz, uuid, varchar, text[], varchar, varchar, uuid, varchar,
                    varchar, varchar, varchar, varchar, varchar, varchar, bytea, integer, integer);
                DROP FUNCTION audit.ensure_partitions(date, date);
                ALTER TABLE audit.access_events_single RENAME TO access_events;
                ALTER TABLE audit.access_events ADD CONSTRAINT pk_access_events PRIMARY KEY (id);
                CREATE UNIQUE INDEX ix_access_events_lane_lane_seq ON audit.access_events (lane, lane_seq);
                CREATE INDEX ix_access_events_patient_id_occurred_at ON audit.access_events (patient_id, occurred_at DESC) WHERE patient_id IS NOT NULL;
                CREATE INDEX ix_access_events_user_id_occurred_at ON audit.access_events (user_id, occurred_at DESC);
                CREATE INDEX ix_access_events_occurred_at ON audit.access_events USING brin (occurred_at);
                CREATE TRIGGER access_events_no_update BEFORE UPDATE ON audit.access_events FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();
                CREATE TRIGGER access_events_no_delete BEFORE DELETE ON audit.access_events FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();
                CREATE TRIGGER access_events_no_truncate BEFORE TRUNCATE ON audit.access_events FOR EACH STATEMENT EXECUTE FUNCTION audit.reject_change();
                ALTER TABLE audit.access_events ENABLE ALWAYS TRIGGER access_events_no_update;
                ALTER TABLE audit.access_events ENABLE ALWAYS TRIGGER access_events_no_delete;
                ALTER TABLE audit.access_events ENABLE ALWAYS TRIGGER access_events_no_truncate;
                CREATE FUNCTION audit.claim_lane(p_start integer, p_lanes integer)
                RETURNS TABLE (claimed_lane smallint, head_seq bigint, head_hash bytea)
                LANGUAGE plpgsql VOLATILE AS $$
                DECLARE
                    candidate integer;
                    chosen integer;
                BEGIN
                    IF current_setting('transaction_isolation') <> 'read committed' THEN
                        RAISE EXCEPTION 'audit.claim_lane needs READ COMMITTED, not %', current_setting('transaction_isolation');
                    END IF;
                    FOR i IN 0 .. p_lanes - 1 LOOP
                        candidate := (p_start + i) % p_lanes;
                        IF pg_try_advisory_xact_lock(1212763473, candidate) THEN
                            chosen := candidate;
                            EXIT;
                        END IF;
                    END LOOP;
                    IF chosen IS NULL THEN
                        chosen := p_start % p_lanes;
                        PERFORM pg_advisory_xact_lock(1212763473, chosen);
                    END IF;
                    RETURN QUERY
                        SELECT chosen::smallint, e.lane_seq, e.hash FROM audit.access_events e
                        WHERE e.lane = chosen ORDER BY e.lane_seq DESC LIMIT 1;
                    IF NOT FOUND THEN
                        RETURN QUERY SELECT chosen::smallint, 0::bigint, NULL::bytea;
                    END IF;
                END $$;
                """);

            migrationBuilder.DropTable(
                name: "alerts",
                schema: "compliance");

            migrationBuilder.DropTable(
                name: "archive_links",
                schema: "audit");

            migrationBuilder.DropTable(
                name: "chain_verifications",
                schema: "compliance");

            migrationBuilder.DropTable(
                name: "lane_heads",
                schema: "audit");

            migrationBuilder.DropTable(
                name: "monitoring_rules",
                schema: "compliance");

            migrationBuilder.DropTable(
                name: "monitoring_runs",
                schema: "compliance");

            migrationBuilder.DropTable(
                name: "archived_partitions",
                schema: "audit");

            migrationBuilder.DropIndex(
                name: "ix_users_patient_mrn",
                schema: "identity",
                table: "users");

            migrationBuilder.DropColumn(
                name: "address_line",
                schema: "identity",
                table: "users");

            migrationBuilder.DropColumn(
                name: "city",
                schema: "identity",
                table: "users");

            migrationBuilder.DropColumn(
                name: "department",
                schema: "identity",
                table: "users");

            migrationBuilder.DropColumn(
                name: "family_name",
                schema: "identity",
                table: "users");

            migrationBuilder.DropColumn(
                name: "patient_mrn",
                schema: "identity",
                table: "users");

            migrationBuilder.DropColumn(
                name: "postal_code",
                schema: "identity",
                table: "users");

            migrationBuilder.DropColumn(
                name: "state",
                schema: "identity",
                table: "users");
        }
    }
}
