using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HimPortal.Data.Migrations
{
    /// <inheritdoc />
    public partial class AuditTrust : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<short>(
                name: "format",
                schema: "audit",
                table: "access_events",
                type: "smallint",
                nullable: false,
                defaultValue: (short)2);

            migrationBuilder.AddCheckConstraint(
                name: "ck_access_events_format",
                schema: "audit",
                table: "access_events",
                sql: "format IN (2, 3)");

            // Rows written so far keep format 2 (their writer's time, in their digest) and verify as before; a row that names
            // no format from here on is held to the stricter format 3 (docs/adr/0020-audit-time-and-outside-anchors.md). audit.append no longer takes a time:
            // it stamps the row itself, after it holds the lane's lock, never earlier than the lane's last row, and links it
            // over that time, so the application's login can neither back-date a row nor reorder a lane.
            migrationBuilder.Sql("""
                ALTER TABLE audit.access_events ALTER COLUMN format SET DEFAULT 3;
                DROP FUNCTION audit.append(uuid, timestamptz, uuid, varchar, text[], varchar, varchar, uuid, varchar,
                    varchar, varchar, varchar, varchar, varchar, varchar, bytea, integer, integer);

                CREATE FUNCTION audit.append(
                    p_id uuid, p_user_id uuid, p_user_name varchar, p_roles text[],
                    p_action varchar, p_outcome varchar, p_patient_id uuid, p_resource_type varchar, p_resource_id varchar,
                    p_purpose varchar, p_details varchar, p_client_ip varchar, p_user_agent varchar, p_correlation_id varchar,
                    p_digest bytea, p_start integer, p_lanes integer)
                RETURNS TABLE (appended_lane smallint, appended_seq bigint, appended_prev_hash bytea, appended_hash bytea, appended_at timestamptz)
                LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
                DECLARE
                    v_candidate integer;
                    v_lane integer;
                    v_seq bigint;
                    v_prev bytea;
                    v_last timestamptz;
                    v_at timestamptz;
                    v_hash bytea;
                BEGIN
                    IF current_setting('transaction_isolation') <> 'read committed' THEN
                        RAISE EXCEPTION 'audit.append needs READ COMMITTED, not %', current_setting('transaction_isolation');
                    END IF;
                    IF octet_length(p_digest) IS DISTINCT FROM 32 THEN
                        RAISE EXCEPTION 'audit.append needs a 32-byte content digest';
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
                    SELECT h.lane_seq, h.hash, h.occurred_at INTO v_seq, v_prev, v_last FROM audit.lane_heads h WHERE h.lane = v_lane;
                    IF NOT FOUND THEN
                        RAISE EXCEPTION 'audit lane % has no head in audit.lane_heads', v_lane;
                    END IF;
                    -- Stamped under the lane's lock: the lane's previous writer stamped its row before it committed and let go
                    -- of the lock, so within a lane time never goes backwards. greatest() keeps that true if the server's
                    -- clock is stepped back (the row then carries its predecessor's time). clock_timestamp(), not now(): a
                    -- transaction that started long ago must not stamp its row before rows committed since.
                    v_at := greatest(clock_timestamp(), v_last);
                    v_hash := sha256(v_prev || int2send(v_lane::smallint) || int8send(v_seq + 1) || timestamptz_send(v_at) || p_digest);
                    INSERT INTO audit.access_events (id, occurred_at, user_id, user_name, roles, action, outcome, patient_id,
                        resource_type, resource_id, purpose, details, client_ip, user_agent, correlation_id, lane, lane_seq, prev_hash, hash, format)
                    VALUES (p_id, v_at, p_user_id, p_user_name, p_roles, p_action, p_outcome, p_patient_id,
                        p_resource_type, p_resource_id, p_purpose, p_details, p_client_ip, p_user_agent, p_correlation_id,
                        v_lane, v_seq + 1, v_prev, v_hash, 3);
                    UPDATE audit.lane_heads h SET lane_seq = v_seq + 1, hash = v_hash, occurred_at = v_at
                    WHERE h.lane = v_lane AND h.lane_seq = v_seq;
                    IF NOT FOUND THEN
                        RAISE EXCEPTION 'audit lane % moved under its lock: a writer bypassed audit.append', v_lane;
                    END IF;
                    appended_lane := v_lane;
                    appended_seq := v_seq + 1;
                    appended_prev_hash := v_prev;
                    appended_hash := v_hash;
                    appended_at := v_at;
                    RETURN NEXT;
                END $$;
                REVOKE EXECUTE ON FUNCTION audit.append(uuid, uuid, varchar, text[], varchar, varchar, uuid, varchar,
                    varchar, varchar, varchar, varchar, varchar, varchar, bytea, integer, integer) FROM PUBLIC;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Back to the caller-timed append of CompliancePartitionedAudit (format-3 rows would no longer verify).
            migrationBuilder.Sql("""
                DROP FUNCTION audit.append(uuid, uuid, varchar, text[], varchar, varchar, uuid, varchar,
                    varchar, varchar, varchar, varchar, varchar, varchar, bytea, integer, integer);
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
                    v_hash := sha256(v_prev || int2send(v_lane::smallint) || int8send(v_seq + 1) || p_digest);
                    INSERT INTO audit.access_events (id, occurred_at, user_id, user_name, roles, action, outcome, patient_id,
                        resource_type, resource_id, purpose, details, client_ip, user_agent, correlation_id, lane, lane_seq, prev_hash, hash)
                    VALUES (p_id, p_occurred_at, p_user_id, p_user_name, p_roles, p_action, p_outcome, p_patient_id,
                        p_resource_type, p_resource_id, p_purpose, p_details, p_client_ip, p_user_agent, p_correlation_id,
                        v_lane, v_seq + 1, v_prev, v_hash);
                    UPDATE audit.lane_heads h SET lane_seq = v_seq + 1, hash = v_hash, occurred_at = p_occurred_at
                    WHERE h.lane = v_lane AND h.lane_seq = v_seq;
                    appended_lane := v_lane;
                    appended_seq := v_seq + 1;
                    appended_prev_hash := v_prev;
                    appended_hash := v_hash;
                    RETURN NEXT;
                END $$;
                REVOKE EXECUTE ON FUNCTION audit.append(uuid, timestamptz, uuid, varchar, text[], varchar, varchar, uuid, varchar,
                    varchar, varchar, varchar, varchar, varchar, varchar, bytea, integer, integer) FROM PUBLIC;
                """);

            migrationBuilder.DropCheckConstraint(
                name: "ck_access_events_format",
                schema: "audit",
                table: "access_events");

            migrationBuilder.DropColumn(
                name: "format",
                schema: "audit",
                table: "access_events");
        }
    }
}
