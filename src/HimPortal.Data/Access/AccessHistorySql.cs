namespace HimPortal.Data.Access;

/// <summary>
/// The SQL of the AccessHistory migration beside its generated table changes: the history's guard triggers, the backfill
/// of existing rows, and the duration words of the monitoring rules. Kept here, frozen with that migration, so the
/// migration can be regenerated at a merge by re-adding two calls; and so a test can run the backfill on a prepared database.
/// </summary>
public static class AccessHistorySql
{
    public static readonly string[] Tables = ["restriction_history", "user_profile_history", "user_role_history", "assignment_history"];

    /// <summary>
    /// A period may only be ended (valid_to set) or ended earlier; nothing else about it changes and it is never deleted:
    /// alerts' evidence rests on it. ENABLE ALWAYS keeps the triggers firing in replica mode, as the audit's do.
    /// </summary>
    public static string Guards
    {
        get
        {
            var sql = new System.Text.StringBuilder("""
                CREATE FUNCTION access.history_ends_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP IN ('DELETE', 'TRUNCATE') THEN
                        RAISE EXCEPTION 'access.% is a history: its periods are never deleted (%)', TG_TABLE_NAME, TG_OP;
                    END IF;
                    IF (to_jsonb(NEW) - 'valid_to') IS DISTINCT FROM (to_jsonb(OLD) - 'valid_to')
                       OR NEW.valid_to IS NULL
                       OR (OLD.valid_to IS NOT NULL AND NEW.valid_to > OLD.valid_to) THEN
                        RAISE EXCEPTION 'access.% is a history: a period may only be ended, or ended earlier', TG_TABLE_NAME;
                    END IF;
                    RETURN NEW;
                END
                $$;

                """);
            foreach (var table in Tables)
            {
                sql.AppendLine($"CREATE TRIGGER {table}_ends_only BEFORE UPDATE OR DELETE ON access.{table} FOR EACH ROW EXECUTE FUNCTION access.history_ends_only();");
                sql.AppendLine($"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON access.{table} FOR EACH STATEMENT EXECUTE FUNCTION access.history_ends_only();");
                sql.AppendLine($"ALTER TABLE access.{table} ENABLE ALWAYS TRIGGER {table}_ends_only;");
                sql.AppendLine($"ALTER TABLE access.{table} ENABLE ALWAYS TRIGGER {table}_no_truncate;");
            }

            return sql.ToString();
        }
    }

    public static string DropGuards =>
        string.Concat(Tables.Select(t => $"DROP TRIGGER IF EXISTS {t}_ends_only ON access.{t}; DROP TRIGGER IF EXISTS {t}_no_truncate ON access.{t};\n"))
        + "DROP FUNCTION IF EXISTS access.history_ends_only();\n";

    /// <summary>
    /// Existing rows into the history, valid from their creation. Where the audit shows later changes (SetRestriction and
    /// ChangeRoles wrote their values; UpdateProfile the names of the fields it changed), the periods between are rebuilt
    /// from it, so that the backfill does not bring back the defect it removes (today's flag applied to earlier access):
    /// restrictions and roles with the values the audit recorded, and a profile field that changed later is unknown (null)
    /// before its last change. Assignments carry their own dates.
    /// </summary>
    public const string Backfill = """
        -- Restrictions: a period from each audited change, the last one with the row's own values (and its note); a row no
        -- audit row explains (written by hand, or its months archived) is valid from its last update.
        WITH changes AS (
            SELECT e.patient_id, e.occurred_at, e.user_id,
                   lower(substring(e.details FROM 'vip=(\w+)')) = 'true' AS vip,
                   lower(substring(e.details FROM 'employee=(\w+)')) = 'true' AS employee,
                   nullif(btrim(substring(e.details FROM 'department=(.*)$')), '') AS department,
                   lead(e.occurred_at) OVER (PARTITION BY e.patient_id ORDER BY e.occurred_at, e.id) AS next_at
            FROM access.patient_restrictions r
            JOIN audit.access_events e ON e.patient_id = r.patient_id
            WHERE e.resource_type = 'PatientRestriction' AND e.action = 'update' AND e.outcome = 'success'
        )
        INSERT INTO access.restriction_history (id, patient_id, vip, employee, employee_department, note, valid_from, valid_to, changed_by_user_id)
        SELECT gen_random_uuid(), c.patient_id, c.vip, c.employee, CASE WHEN c.employee THEN c.department END, NULL, c.occurred_at, c.next_at, c.user_id
        FROM changes c
        WHERE c.next_at IS NOT NULL
        UNION ALL
        SELECT gen_random_uuid(), r.patient_id, r.vip, r.employee, r.employee_department, r.note,
               coalesce(last.occurred_at, r.updated_at), NULL, coalesce(last.user_id, r.updated_by_user_id)
        FROM access.patient_restrictions r
        LEFT JOIN changes last ON last.patient_id = r.patient_id AND last.next_at IS NULL;

        -- Roles: before the first audited change the roles it changed from, between changes the roles each changed to,
        -- and the current roles since the last change (or since the account's creation).
        WITH changes AS (
            SELECT u.id AS user_id, e.occurred_at, e.user_id AS changed_by,
                   coalesce(string_to_array(nullif(substring(e.details FROM 'from \[([^]]*)\]'), ''), ','), '{}') AS roles_before,
                   coalesce(string_to_array(nullif(substring(e.details FROM 'to \[([^]]*)\]'), ''), ','), '{}') AS roles_after,
                   row_number() OVER w AS n, lead(e.occurred_at) OVER w AS next_at
            FROM identity.users u
            JOIN audit.access_events e ON e.action = 'admin' AND e.resource_id = u.id::text
            WHERE e.resource_type = 'User' AND e.outcome = 'success' AND e.details LIKE 'roles changed from [%'
              AND e.occurred_at >= u.created_at
            WINDOW w AS (PARTITION BY u.id ORDER BY e.occurred_at, e.id)
        ),
        held AS (
            SELECT ur.user_id, array_agg(r.name ORDER BY r.name COLLATE "C") AS roles
            FROM identity.user_roles ur JOIN identity.roles r ON r.id = ur.role_id
            GROUP BY ur.user_id
        )
        INSERT INTO access.user_role_history (id, user_id, roles, valid_from, valid_to, changed_by_user_id)
        SELECT gen_random_uuid(), c.user_id, c.roles_before, u.created_at, c.occurred_at, NULL
        FROM changes c JOIN identity.users u ON u.id = c.user_id
        WHERE c.n = 1
        UNION ALL
        SELECT gen_random_uuid(), c.user_id, c.roles_after, c.occurred_at, c.next_at, c.changed_by
        FROM changes c
        WHERE c.next_at IS NOT NULL
        UNION ALL
        SELECT gen_random_uuid(), u.id, coalesce(h.roles, '{}'), coalesce(last.occurred_at, u.created_at), NULL, last.changed_by
        FROM identity.users u
        LEFT JOIN held h ON h.user_id = u.id
        LEFT JOIN changes last ON last.user_id = u.id AND last.next_at IS NULL;

        -- Profiles: periods from the account's creation and from each audited update; a field holds its current value in a
        -- period unless it changed after the period began (the audit names the fields, not their values): then it is unknown.
        WITH changes AS (
            SELECT u.id AS user_id, e.occurred_at, e.user_id AS changed_by,
                   string_to_array(substring(e.details FROM '^profile updated: (.*)$'), ', ') AS fields
            FROM identity.users u
            JOIN audit.access_events e ON e.action = 'admin' AND e.resource_id = u.id::text
            WHERE e.resource_type = 'User' AND e.outcome = 'success' AND e.details LIKE 'profile updated: %'
              AND e.occurred_at >= u.created_at
        ),
        last_change AS (
            SELECT c.user_id, f.field, max(c.occurred_at) AS at
            FROM changes c CROSS JOIN LATERAL unnest(c.fields) AS f(field)
            GROUP BY c.user_id, f.field
        ),
        starts AS (
            SELECT u.id AS user_id, u.created_at AS valid_from, NULL::uuid AS changed_by FROM identity.users u
            UNION ALL
            SELECT c.user_id, c.occurred_at, c.changed_by FROM changes c
        ),
        periods AS (
            SELECT s.user_id, s.valid_from, s.changed_by,
                   lead(s.valid_from) OVER (PARTITION BY s.user_id ORDER BY s.valid_from) AS valid_to
            FROM starts s
        )
        INSERT INTO access.user_profile_history (id, user_id, department, family_name, address_line, city, state, postal_code, patient_mrn,
                                                 valid_from, valid_to, changed_by_user_id)
        SELECT gen_random_uuid(), p.user_id,
               CASE WHEN NOT 'department' = ANY (later.fields) THEN u.department END,
               CASE WHEN NOT 'family name' = ANY (later.fields) THEN u.family_name END,
               CASE WHEN NOT 'address' = ANY (later.fields) THEN u.address_line END,
               CASE WHEN NOT 'city' = ANY (later.fields) THEN u.city END,
               CASE WHEN NOT 'state' = ANY (later.fields) THEN u.state END,
               CASE WHEN NOT 'postal code' = ANY (later.fields) THEN u.postal_code END,
               CASE WHEN NOT 'patient MRN' = ANY (later.fields) THEN u.patient_mrn END,
               p.valid_from, p.valid_to, p.changed_by
        FROM periods p
        JOIN identity.users u ON u.id = p.user_id
        CROSS JOIN LATERAL (
            SELECT coalesce(array_agg(l.field), '{}') AS fields
            FROM last_change l WHERE l.user_id = p.user_id AND l.at > p.valid_from) later;

        -- Assignments: from their recording to their planned end or their revocation, whichever came first.
        INSERT INTO access.assignment_history (id, assignment_id, patient_id, user_id, reason, valid_from, valid_to, changed_by_user_id)
        SELECT gen_random_uuid(), a.id, a.patient_id, a.user_id, a.reason, a.assigned_at,
               CASE WHEN coalesce(a.ends_at, a.revoked_at) IS NOT NULL THEN greatest(least(a.ends_at, a.revoked_at), a.assigned_at) END,
               a.assigned_by_user_id
        FROM access.treatment_assignments a;
        """;

    /// <summary>
    /// How long from one instant to another, in the words people read: "77 years", "3 months", "12 days", "5 hours", in the
    /// largest whole unit of the calendar (age()); given local times (AT TIME ZONE the hospital's zone), months and years
    /// are the hospital's.
    /// </summary>
    public const string ElapsedWords = """
        CREATE FUNCTION compliance.elapsed_words(p_from timestamp, p_to timestamp) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
            SELECT CASE
                WHEN p_to IS NULL OR p_from IS NULL THEN NULL
                WHEN y > 0 THEN y || CASE WHEN y = 1 THEN ' year' ELSE ' years' END
                WHEN m > 0 THEN m || CASE WHEN m = 1 THEN ' month' ELSE ' months' END
                WHEN d > 0 THEN d || CASE WHEN d = 1 THEN ' day' ELSE ' days' END
                WHEN h > 0 THEN h || CASE WHEN h = 1 THEN ' hour' ELSE ' hours' END
                WHEN mi > 0 THEN mi || CASE WHEN mi = 1 THEN ' minute' ELSE ' minutes' END
                ELSE 'less than a minute'
            END
            FROM (SELECT extract(year FROM g)::int AS y, extract(month FROM g)::int AS m, extract(day FROM g)::int AS d,
                         extract(hour FROM g)::int AS h, extract(minute FROM g)::int AS mi
                  FROM age(greatest(p_to, p_from), least(p_to, p_from)) AS g) AS parts
        $$;
        """;

    public const string DropElapsedWords = "DROP FUNCTION IF EXISTS compliance.elapsed_words(timestamp, timestamp);";
}
