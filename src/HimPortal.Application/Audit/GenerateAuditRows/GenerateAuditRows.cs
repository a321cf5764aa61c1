using System.Diagnostics;
using System.Globalization;
using HimPortal.Application.Access;
using HimPortal.Application.Clinical;
using HimPortal.Application.Common;
using HimPortal.Data;
using HimPortal.Data.Audit;
using Microsoft.Extensions.Configuration;
using Npgsql;
using NpgsqlTypes;

namespace HimPortal.Application.Audit.GenerateAuditRows;

/// <summary>
/// Synthetic audit history for load and latency measurements (scripts/bench-compliance.sh): <paramref name="Rows"/> rows
/// over the last <paramref name="Days"/> days, from <paramref name="Users"/> users on <paramref name="Patients"/> patients.
/// </summary>
/// <param name="ConfirmDatabase">Needed, equal to the database's name, where people have signed in: see the handler.</param>
public sealed record GenerateAuditRowsCommand(
    long Rows,
    int Patients = 100_000,
    int Users = 2_000,
    int Days = 730,
    int Seed = 20261201,
    int BatchRows = 250_000,
    string? ConfirmDatabase = null,
    IProgress<long>? Progress = null);

public sealed record GeneratedAuditRows(long Rows, int Patients, int Users, DateTimeOffset From, DateTimeOffset To, TimeSpan Elapsed);

/// <summary>
/// Writes realistic synthetic audit rows by binary COPY, with a valid hash chain. The mix follows what the application
/// writes: chart, encounter and note views (with their sections, basis and purpose of use), patient searches, sign-ins
/// and sign-outs, refused attempts, break-the-glass, prints, exports, disclosures and account administration; users have
/// roles and very unequal activity, physicians mostly see their own panel of patients, a few patients are seen far more
/// than most, and the day has a daytime peak with quieter nights and weekends.
/// <para>
/// Each batch is one transaction that claims all sixteen lanes (the same advisory locks audit.append takes, so live
/// appends wait, and the chain stays one chain), reads the lane heads, copies the rows and moves the heads. It needs the
/// schema owner's connection: the application role may append only through audit.append, one row at a time. Rows carry
/// the user agent <see cref="UserAgent"/>, so they are always told apart from real ones.
/// </para>
/// </summary>
[RequiresPermission(Permissions.AuditMaintain)]
public sealed class GenerateAuditRowsHandler(PermissionCheck permissions, IConfiguration configuration, TimeProvider clock) : Handler<GenerateAuditRowsCommand, Result<GeneratedAuditRows>>(permissions)
{
    public const string UserAgent = "himportal-audit-generate (synthetic)";

    private const string CopySql = """
        COPY audit.access_events (id, occurred_at, user_id, user_name, roles, action, outcome, patient_id, resource_type,
            resource_id, purpose, details, client_ip, user_agent, correlation_id, lane, lane_seq, prev_hash, hash, format)
        FROM STDIN (FORMAT BINARY)
        """;

    protected override async Task<Result<GeneratedAuditRows>> ExecuteAsync(GenerateAuditRowsCommand command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Rows < 1 || command.Patients < 1 || command.Users < 1 || command.Days is < 1 or > 2190 || command.BatchRows < 1)
        {
            return new Error(ErrorKind.Invalid, "invalid-generate",
                "Give a positive number of rows, patients and users, and between 1 and 2190 days (six years).");
        }

        var watch = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(DataServiceCollectionExtensions.AdminConnectionString(configuration));
        await connection.OpenAsync(ct);
        if (await RefusalAsync(connection, command, ct) is { } refusal)
        {
            return refusal;
        }

        var to = AuditChain.ToStoredPrecision(clock.GetUtcNow());
        var from = to.AddDays(-command.Days);
        await using (var partitions = new NpgsqlCommand("SELECT audit.ensure_partitions($1, $2)", connection))
        {
            partitions.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = DateOnly.FromDateTime(from.UtcDateTime) });
            partitions.Parameters.Add(new NpgsqlParameter<DateOnly> { TypedValue = DateOnly.FromDateTime(to.UtcDateTime) });
            await partitions.ExecuteNonQueryAsync(ct);
        }

        var world = await SyntheticWorld.LoadAsync(connection, command, ct);
        var timeline = new Timeline(from, to, command.Rows, command.Seed);
        long written = 0;
        while (written < command.Rows)
        {
            var batch = (int)Math.Min(command.BatchRows, command.Rows - written);
            await WriteBatchAsync(connection, world, timeline, batch, ct);
            written += batch;
            command.Progress?.Report(written);
        }

        return Result<GeneratedAuditRows>.Success(new GeneratedAuditRows(written, world.PatientCount, world.UserCount, from, to, watch.Elapsed));
    }

    /// <summary>
    /// Synthetic rows beside real ones would mislead every review, so a database where people have signed in is refused
    /// unless its name is typed back.
    /// </summary>
    private static async Task<Error?> RefusalAsync(NpgsqlConnection connection, GenerateAuditRowsCommand command, CancellationToken ct)
    {
        await using var check = new NpgsqlCommand(
            "SELECT current_database(), (SELECT count(*) FROM identity.users WHERE last_sign_in_at IS NOT NULL)", connection);
        await using var reader = await check.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var name = reader.GetString(0);
        var signedIn = reader.GetInt64(1);
        if (signedIn > 0 && !string.Equals(command.ConfirmDatabase, name, StringComparison.Ordinal))
        {
            return new Error(ErrorKind.Invalid, "real-database",
                $"{signedIn} user(s) have signed in to database {name}: synthetic audit rows would mix with their real ones. " +
                $"Generate into a database of its own, or pass --confirm-database {name} to do it anyway.");
        }

        return null;
    }

    private static async Task WriteBatchAsync(NpgsqlConnection connection, SyntheticWorld world, Timeline timeline, int rows, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, ct);
        await using (var locks = new NpgsqlCommand(
                         $"SELECT pg_advisory_xact_lock(1212763473, lane) FROM generate_series(0, {AuditChain.Lanes - 1}) AS lane ORDER BY lane",
                         connection, transaction))
        {
            await locks.ExecuteNonQueryAsync(ct);
        }

        var heads = new (long Seq, byte[] Hash)[AuditChain.Lanes];
        await using (var read = new NpgsqlCommand("SELECT lane, lane_seq, hash FROM audit.lane_heads ORDER BY lane FOR UPDATE", connection, transaction))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                heads[reader.GetInt16(0)] = (reader.GetInt64(1), reader.GetFieldValue<byte[]>(2));
            }
        }

        var digest = new byte[32];
        await using (var copy = await connection.BeginBinaryImportAsync(CopySql, ct))
        {
            for (var i = 0; i < rows; i++)
            {
                var row = world.Next(timeline.Next());
                // Synthetic history is dated by its writer, in the past, as rows were before the database stamped them:
                // format 2, which the verifier does not hold to the database's clock (docs/adr/0020).
                row.Format = AccessEvent.WriterTimedFormat;
                var lane = (short)(timeline.Index % AuditChain.Lanes);
                var (seq, prev) = heads[lane];
                row.Lane = lane;
                row.LaneSeq = seq + 1;
                row.PrevHash = prev;
                AuditChain.ContentDigest(row, digest);
                row.Hash = AuditChain.Link(row, digest);
                heads[lane] = (row.LaneSeq, row.Hash);
                await WriteAsync(copy, row, ct);
            }

            await copy.CompleteAsync(ct);
        }

        await using (var move = new NpgsqlCommand("""
                         UPDATE audit.lane_heads h SET lane_seq = n.seq, hash = n.hash, occurred_at = now()
                         FROM unnest($1::smallint[], $2::bigint[], $3::bytea[]) AS n(lane, seq, hash)
                         WHERE h.lane = n.lane AND h.lane_seq <> n.seq
                         """, connection, transaction))
        {
            move.Parameters.Add(new NpgsqlParameter<short[]> { TypedValue = [.. Enumerable.Range(0, AuditChain.Lanes).Select(l => (short)l)] });
            move.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. heads.Select(h => h.Seq)] });
            move.Parameters.Add(new NpgsqlParameter<byte[][]> { TypedValue = [.. heads.Select(h => h.Hash)] });
            await move.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    private static async Task WriteAsync(NpgsqlBinaryImporter copy, AccessEvent row, CancellationToken ct)
    {
        await copy.StartRowAsync(ct);
        await copy.WriteAsync(row.Id, NpgsqlDbType.Uuid, ct);
        await copy.WriteAsync(row.OccurredAt, NpgsqlDbType.TimestampTz, ct);
        await WriteNullableAsync(copy, row.UserId, NpgsqlDbType.Uuid, ct);
        await WriteNullableAsync(copy, row.UserName, NpgsqlDbType.Varchar, ct);
        await copy.WriteAsync(row.Roles, NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
        await copy.WriteAsync(row.Action, NpgsqlDbType.Varchar, ct);
        await copy.WriteAsync(row.Outcome, NpgsqlDbType.Varchar, ct);
        await WriteNullableAsync(copy, row.PatientId, NpgsqlDbType.Uuid, ct);
        await WriteNullableAsync(copy, row.ResourceType, NpgsqlDbType.Varchar, ct);
        await WriteNullableAsync(copy, row.ResourceId, NpgsqlDbType.Varchar, ct);
        await WriteNullableAsync(copy, row.Purpose, NpgsqlDbType.Varchar, ct);
        await WriteNullableAsync(copy, row.Details, NpgsqlDbType.Varchar, ct);
        await WriteNullableAsync(copy, row.ClientIp, NpgsqlDbType.Varchar, ct);
        await WriteNullableAsync(copy, row.UserAgent, NpgsqlDbType.Varchar, ct);
        await WriteNullableAsync(copy, row.CorrelationId, NpgsqlDbType.Varchar, ct);
        await copy.WriteAsync(row.Lane, NpgsqlDbType.Smallint, ct);
        await copy.WriteAsync(row.LaneSeq, NpgsqlDbType.Bigint, ct);
        await copy.WriteAsync(row.PrevHash, NpgsqlDbType.Bytea, ct);
        await copy.WriteAsync(row.Hash, NpgsqlDbType.Bytea, ct);
        await copy.WriteAsync(row.Format, NpgsqlDbType.Smallint, ct);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : class =>
        value is null ? copy.WriteNullAsync(ct) : copy.WriteAsync(value, type, ct);

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type, CancellationToken ct)
        where T : struct =>
        value is { } v ? copy.WriteAsync(v, type, ct) : copy.WriteNullAsync(ct);

    /// <summary>
    /// Increasing timestamps that fill the span exactly, denser on weekdays and by day (a daytime peak), one per row: the
    /// rows of each lane are then in time order, as they are when people use the application. Row i lands where the
    /// cumulative activity of the span reaches (i + jitter) / rows of its total (inverse-transform sampling, hour by hour).
    /// </summary>
    private sealed class Timeline
    {
        // Relative activity per hour of the day (UTC here: synthetic data has no hospital time zone).
        private static readonly double[] HourWeights =
            [0.15, 0.1, 0.1, 0.1, 0.15, 0.3, 0.8, 1.6, 2.2, 2.4, 2.4, 2.2, 1.8, 2.2, 2.4, 2.3, 2.0, 1.6, 1.1, 0.8, 0.6, 0.45, 0.3, 0.2];

        private readonly DateTimeOffset _from;
        private readonly double[] _cumulative;
        private readonly long _rows;
        private readonly Random _random;
        private readonly double _lastHourShare;
        private int _hour;

        public Timeline(DateTimeOffset from, DateTimeOffset to, long rows, int seed)
        {
            _from = from;
            _rows = rows;
            _random = new Random(seed);
            var hours = (int)Math.Ceiling((to - from).TotalHours);
            _cumulative = new double[hours];
            double sum = 0;
            for (var h = 0; h < hours; h++)
            {
                var at = from.AddHours(h).UtcDateTime;
                var weekday = at.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 0.45 : 1.0;
                // The last hour may be partial: its weight shrinks with it, so nothing lands after "to".
                var share = Math.Min(1, (to - from.AddHours(h)).TotalHours);
                sum += HourWeights[at.Hour] * weekday * share;
                _cumulative[h] = sum;
                _lastHourShare = share;
            }
        }

        public long Index { get; private set; }

        public DateTimeOffset Next()
        {
            var mass = (Index + _random.NextDouble()) / _rows * _cumulative[^1];
            while (_hour < _cumulative.Length - 1 && _cumulative[_hour] < mass)
            {
                _hour++;
            }

            var start = _hour == 0 ? 0 : _cumulative[_hour - 1];
            var within = (mass - start) / Math.Max(_cumulative[_hour] - start, double.Epsilon);
            Index++;
            var span = _hour == _cumulative.Length - 1 ? _lastHourShare : 1;
            return AuditChain.ToStoredPrecision(_from.AddHours(_hour + (Math.Clamp(within, 0, 0.999999) * span)));
        }
    }

    private sealed record SyntheticUser(Guid Id, string Name, string[] Roles, string Ip, string Role, int[] Panel);

    /// <summary>The users and patients the rows are about: the database's own, topped up with synthetic ones.</summary>
    private sealed class SyntheticWorld
    {
        private static readonly (string Role, double Share)[] RoleMix =
        [
            ("Physician", 0.55), ("HimClerk", 0.18), ("RoiSpecialist", 0.1), ("HimManager", 0.05), ("ComplianceOfficer", 0.04),
            ("Administrator", 0.03), ("Patient", 0.05),
        ];

        private static readonly string[] ChartSections =
        [
            "sections=demographics,encounters,problems,medications,allergies,immunizations,lab-results,vitals,procedures,imaging,documents,notes; basis=treatment-relationship",
            "sections=demographics,encounters,problems,medications,allergies,lab-results,vitals,documents; basis=treatment-relationship",
            "sections=demographics,encounters,problems,medications,allergies,lab-results; basis=assignment",
        ];

        private static readonly string[] Browsers =
        [
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15",
        ];

        private readonly Guid[] _patients;
        private readonly double[] _patientWeights;
        private readonly SyntheticUser[] _users;
        private readonly double[] _userWeights;
        private readonly Random _random;

        private SyntheticWorld(Guid[] patients, SyntheticUser[] users, Random random)
        {
            _patients = patients;
            _users = users;
            _random = random;
            // A few patients (and users) account for much of the activity: Zipf-like weights over a shuffled order.
            _patientWeights = Cumulative(patients.Length, 0.7);
            _userWeights = Cumulative(users.Length, 0.9);
        }

        public int PatientCount => _patients.Length;

        public int UserCount => _users.Length;

        public static async Task<SyntheticWorld> LoadAsync(NpgsqlConnection connection, GenerateAuditRowsCommand command, CancellationToken ct)
        {
            var random = new Random(command.Seed);
            var patients = new List<Guid>();
            await using (var read = new NpgsqlCommand("SELECT id FROM clinical.patients ORDER BY id LIMIT $1", connection))
            {
                read.Parameters.Add(new NpgsqlParameter<int> { TypedValue = command.Patients });
                await using var reader = await read.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    patients.Add(reader.GetGuid(0));
                }
            }

            var existingPatients = patients.Count;
            while (patients.Count < command.Patients)
            {
                patients.Add(RandomGuid(random));
            }

            await AddSyntheticPatientsAsync(connection, patients.Skip(existingPatients).ToArray(), random, ct);

            var users = new List<SyntheticUser>();
            await using (var read = new NpgsqlCommand("""
                             SELECT u.id, u.email, coalesce(array_agg(r.name ORDER BY r.name) FILTER (WHERE r.name IS NOT NULL), '{}')
                             FROM identity.users u
                             LEFT JOIN identity.user_roles ur ON ur.user_id = u.id
                             LEFT JOIN identity.roles r ON r.id = ur.role_id
                             GROUP BY u.id, u.email ORDER BY u.id LIMIT $1
                             """, connection))
            {
                read.Parameters.Add(new NpgsqlParameter<int> { TypedValue = command.Users });
                await using var reader = await read.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    var roles = reader.GetFieldValue<string[]>(2);
                    users.Add(NewUser(random, reader.GetGuid(0), reader.GetString(1), roles.Length == 0 ? ["HimClerk"] : roles, patients.Count));
                }
            }

            var existingUsers = users.Count;
            for (var n = users.Count; n < command.Users; n++)
            {
                var role = PickRole(random);
                users.Add(NewUser(random, RandomGuid(random), $"{role.ToLowerInvariant()}{n:D5}@synthetic.himportal.example", [role], patients.Count));
            }

            await AddSyntheticUsersAsync(connection, users.Skip(existingUsers).ToArray(), ct);

            var shuffledPatients = patients.ToArray();
            random.Shuffle(shuffledPatients);
            var shuffledUsers = users.ToArray();
            random.Shuffle(shuffledUsers);
            return new SyntheticWorld(shuffledPatients, shuffledUsers, random);
        }

        private static readonly string[] GivenNames =
        [
            "Ada", "Ben", "Cara", "Dev", "Elif", "Femi", "Gita", "Hugo", "Ines", "Jon", "Kaia", "Luca", "Mina", "Nils", "Omar", "Pia",
            "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wen", "Xena", "Yuri", "Zoe",
        ];

        private static readonly string[] FamilyNames =
        [
            "Abbott", "Baker", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Haddad", "Ito", "Jensen", "Kowalski", "Lopez", "Moreau",
            "Nguyen", "Okafor", "Patel", "Quinn", "Rossi", "Silva", "Tanaka", "Usman", "Varga", "Wójcik", "Xu", "Yilmaz", "Zhang",
        ];

        /// <summary>
        /// Patients of the synthetic rows exist in the record (a name, an MRN, a birth date), so the compliance pages show
        /// them and "who accessed patient X" can be asked of them. Each is tagged synthetic in its FHIR resource.
        /// </summary>
        private static async Task AddSyntheticPatientsAsync(NpgsqlConnection connection, Guid[] ids, Random random, CancellationToken ct)
        {
            if (ids.Length == 0)
            {
                return;
            }

            var given = ids.Select(_ => GivenNames[random.Next(GivenNames.Length)]).ToArray();
            var family = ids.Select(_ => FamilyNames[random.Next(FamilyNames.Length)]).ToArray();
            var born = ids.Select(_ => new DateOnly(1930, 1, 1).AddDays(random.Next(0, 90 * 365))).ToArray();
            var sex = ids.Select(_ => random.Next(2) == 0 ? "female" : "male").ToArray();
            await ClinicalRecordWriter.AddSyntheticPatientsAsync(connection, ids, given, family, born, sex, ct);
        }

        /// <summary>Users of the synthetic rows exist too, locked and without a password: no one can sign in as them.</summary>
        private static async Task AddSyntheticUsersAsync(NpgsqlConnection connection, SyntheticUser[] users, CancellationToken ct)
        {
            if (users.Length == 0)
            {
                return;
            }

            await using var insert = new NpgsqlCommand("""
                WITH n AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[]) AS n(id, email, role)),
                added AS (
                    INSERT INTO identity.users (id, display_name, created_at, user_name, normalized_user_name, email, normalized_email,
                        email_confirmed, security_stamp, concurrency_stamp, phone_number_confirmed, two_factor_enabled, lockout_end,
                        lockout_enabled, access_failed_count)
                    SELECT n.id, 'Synthetic ' || n.role || ' ' || split_part(n.email, '@', 1), now(), n.email, upper(n.email), n.email, upper(n.email),
                           true, gen_random_uuid()::text, gen_random_uuid()::text, false, false, 'infinity', true, 0
                    FROM n
                    ON CONFLICT (id) DO NOTHING
                    RETURNING id, created_at),
                roles AS (
                    INSERT INTO identity.user_roles (user_id, role_id)
                    SELECT n.id, r.id FROM n JOIN added a ON a.id = n.id JOIN identity.roles r ON r.name = n.role),
                -- Every account has its dated roles and profile (Access/History) from its creation, as CreateUser writes them.
                profiles AS (
                    INSERT INTO access.user_profile_history (id, user_id, valid_from)
                    SELECT gen_random_uuid(), a.id, a.created_at FROM added a)
                INSERT INTO access.user_role_history (id, user_id, roles, valid_from)
                SELECT gen_random_uuid(), n.id, ARRAY[n.role], a.created_at FROM n JOIN added a ON a.id = n.id
                """, connection);
            insert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. users.Select(u => u.Id)] });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. users.Select(u => u.Name)] });
            insert.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. users.Select(u => u.Role)] });
            await insert.ExecuteNonQueryAsync(ct);
        }

        private static SyntheticUser NewUser(Random random, Guid id, string name, string[] roles, int patients)
        {
            var role = roles.Contains("Physician") ? "Physician" : roles[0];
            // A physician's panel: the patients they mostly see (a few hundred).
            var panel = role == "Physician" ? Enumerable.Range(0, random.Next(80, 600)).Select(_ => random.Next(patients)).ToArray() : [];
            var ip = $"10.{random.Next(1, 40)}.{random.Next(0, 256)}.{random.Next(2, 255)}";
            return new SyntheticUser(id, name, roles, ip, role, panel);
        }

        private static string PickRole(Random random)
        {
            var x = random.NextDouble();
            foreach (var (role, share) in RoleMix)
            {
                x -= share;
                if (x < 0)
                {
                    return role;
                }
            }

            return "Physician";
        }

        public AccessEvent Next(DateTimeOffset at)
        {
            var user = _users[Pick(_userWeights)];
            var roll = _random.NextDouble();
            var patient = user.Panel.Length > 0 && _random.NextDouble() < 0.85
                ? _patients[user.Panel[_random.Next(user.Panel.Length)]]
                : _patients[Pick(_patientWeights)];
            var (action, outcome, resourceType, resourceId, patientId, purpose, details) = user.Role switch
            {
                "Physician" => Physician(roll, patient),
                "HimClerk" or "RoiSpecialist" => Operations(roll, patient, user.Role),
                "HimManager" or "ComplianceOfficer" => Review(roll, patient),
                "Administrator" => Administration(roll),
                _ => Portal(roll),
            };
            return new AccessEvent
            {
                Id = Guid.CreateVersion7(at),
                OccurredAt = at,
                UserId = user.Id,
                UserName = user.Name,
                Roles = user.Roles,
                Action = action,
                Outcome = outcome,
                PatientId = patientId,
                ResourceType = resourceType,
                ResourceId = resourceId,
                Purpose = purpose,
                Details = details,
                ClientIp = user.Ip,
                UserAgent = UserAgent + " " + Browsers[(int)(user.Id.GetHashCode() & 0x7fffffff) % Browsers.Length][..24],
                CorrelationId = _random.NextInt64().ToString("x16", CultureInfo.InvariantCulture),
                PrevHash = [],
                Hash = [],
            };
        }

        private (string, string, string?, string?, Guid?, string?, string?) Physician(double roll, Guid patient) => roll switch
        {
            < 0.50 => (AuditAction.View, AuditOutcome.Success, "Chart", null, patient, "TREAT", ChartSections[_random.Next(ChartSections.Length)]),
            < 0.62 => (AuditAction.View, AuditOutcome.Success, "Encounter", RandomGuid(_random).ToString("D"), patient, "TREAT",
                "sections=encounters,lab-results,vitals,procedures,notes; basis=treatment-relationship"),
            < 0.74 => (AuditAction.View, AuditOutcome.Success, "DocumentReference", RandomGuid(_random).ToString("D"), patient, "TREAT",
                "sections=notes; basis=treatment-relationship"),
            < 0.84 => (AuditAction.Search, AuditOutcome.Success, "Patient", null, null, null, $"name={(char)('a' + _random.Next(26))}{(char)('a' + _random.Next(26))}{(char)('a' + _random.Next(26))}; {_random.Next(0, 25)} shown"),
            < 0.89 => (AuditAction.Login, AuditOutcome.Success, "Session", null, null, null, null),
            < 0.93 => (AuditAction.Logout, AuditOutcome.Success, "Session", null, null, _random.NextDouble() < 0.5 ? "signed-out" : "idle-timeout", null),
            < 0.95 => (AuditAction.Print, AuditOutcome.Success, "Chart", null, patient, "TREAT", "sections=problems,medications,allergies"),
            < 0.98 => (AuditAction.View, AuditOutcome.Denied, "Chart", null, patient, "no treatment relationship", "outcome=break-glass-required; break-the-glass offered"),
            < 0.995 => (AuditAction.View, AuditOutcome.Success, "Chart", null, patient, "ETREAT",
                $"sections=demographics,encounters,problems,medications,allergies,lab-results; basis=break-glass; break-glass={RandomGuid(_random):D}"),
            _ => (AuditAction.BreakGlass, AuditOutcome.Success, "Chart", RandomGuid(_random).ToString("D"), patient,
                "Emergency care: the patient needs treatment now", "attested; until=4h; was=no treatment relationship"),
        };

        private (string, string, string?, string?, Guid?, string?, string?) Operations(double roll, Guid patient, string role) => roll switch
        {
            < 0.55 => (AuditAction.View, AuditOutcome.Success, "Chart", null, patient, "HOPERAT",
                role == "HimClerk" ? "sections=demographics,documents; basis=operations" : "sections=demographics,encounters,documents; basis=operations"),
            < 0.72 => (AuditAction.Search, AuditOutcome.Success, "Patient", null, null, null, $"mrn={_random.Next(100000, 999999)}; 1 shown"),
            < 0.80 => role == "HimClerk"
                ? (AuditAction.Create, AuditOutcome.Success, "Bundle", $"{RandomGuid(_random):D}.json", patient, null, "imported")
                : (AuditAction.Disclose, AuditOutcome.Success, "Chart", null, patient, "disclosure to the patient", "release of information"),
            < 0.85 => (AuditAction.Print, AuditOutcome.Success, "Chart", null, patient, "HOPERAT", "sections=demographics,documents"),
            < 0.93 => (AuditAction.Login, AuditOutcome.Success, "Session", null, null, null, null),
            _ => (AuditAction.Logout, AuditOutcome.Success, "Session", null, null, "signed-out", null),
        };

        private static (string, string, string?, string?, Guid?, string?, string?) Review(double roll, Guid patient) => roll switch
        {
            < 0.45 => (AuditAction.Search, AuditOutcome.Success, "AccessLog", null, patient, null, "patient; 50 shown"),
            < 0.70 => (AuditAction.View, AuditOutcome.Success, "Chart", null, patient, "HOPERAT", "sections=demographics; basis=operations"),
            < 0.75 => (AuditAction.Export, AuditOutcome.Success, "AccessLog", null, patient, null, "csv; patient"),
            < 0.88 => (AuditAction.Login, AuditOutcome.Success, "Session", null, null, null, null),
            _ => (AuditAction.Logout, AuditOutcome.Success, "Session", null, null, "signed-out", null),
        };

        private (string, string, string?, string?, Guid?, string?, string?) Administration(double roll) => roll switch
        {
            < 0.3 => (AuditAction.Search, AuditOutcome.Success, "User", null, null, null, "user list; 50 shown"),
            < 0.55 => (AuditAction.View, AuditOutcome.Success, "User", _users[_random.Next(_users.Length)].Id.ToString(), null, null, null),
            < 0.65 => (AuditAction.Admin, AuditOutcome.Success, "User", _users[_random.Next(_users.Length)].Id.ToString(), null, null, "created account; roles=HimClerk"),
            < 0.85 => (AuditAction.Login, AuditOutcome.Success, "Session", null, null, null, null),
            _ => (AuditAction.LoginFailed, AuditOutcome.Denied, "Session", null, null, "wrong password", null),
        };

        private static (string, string, string?, string?, Guid?, string?, string?) Portal(double roll) => roll switch
        {
            < 0.5 => (AuditAction.Login, AuditOutcome.Success, "Session", null, null, null, null),
            < 0.9 => (AuditAction.View, AuditOutcome.Success, "Page", "/Portal", null, null, null),
            _ => (AuditAction.Logout, AuditOutcome.Success, "Session", null, null, "signed-out", null),
        };

        private int Pick(double[] cumulative)
        {
            var x = _random.NextDouble() * cumulative[^1];
            var index = Array.BinarySearch(cumulative, x);
            return index >= 0 ? index : Math.Min(~index, cumulative.Length - 1);
        }

        private static double[] Cumulative(int count, double exponent)
        {
            var weights = new double[count];
            double sum = 0;
            for (var i = 0; i < count; i++)
            {
                sum += 1 / Math.Pow(i + 1, exponent);
                weights[i] = sum;
            }

            return weights;
        }

        private static Guid RandomGuid(Random random)
        {
            Span<byte> bytes = stackalloc byte[16];
            random.NextBytes(bytes);
            bytes[7] = (byte)((bytes[7] & 0x0f) | 0x40);
            bytes[8] = (byte)((bytes[8] & 0x3f) | 0x80);
            return new Guid(bytes);
        }
    }
}
