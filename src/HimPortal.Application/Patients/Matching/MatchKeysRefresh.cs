using System.Text.Json;
using HimPortal.Data;
using HimPortal.Data.Mpi;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace HimPortal.Application.Patients.Matching;

/// <summary>
/// Computes the match keys (mpi.match_keys) of patient records from <c>clinical.patients</c>, their identifiers and their
/// FHIR JSON, and keeps the name frequencies in step (issue 16 item 1). Set-based: one read and one upsert per batch of
/// records, never a round trip per record; double metaphone is PostgreSQL's <c>dmetaphone()</c> (fuzzystrmatch) in the
/// upsert. Runs on any connection in the caller's transaction: the import's own (plain Npgsql) or the DbContext's.
/// </summary>
public static class MatchKeysRefresh
{
    /// <summary>Records per read and upsert when refreshing many.</summary>
    public const int BatchSize = 5000;

    private const char ListSeparator = '\u001f';

    public static async Task<int> RefreshAsync(HimDbContext db, IReadOnlyCollection<Guid> patientIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await RefreshAsync((NpgsqlConnection)db.Database.GetDbConnection(),
                (NpgsqlTransaction?)db.Database.CurrentTransaction?.GetDbTransaction(), patientIds, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>Refreshes every record's keys (or only those that have none), batch by batch in id order. Returns how many.</summary>
    public static async Task<int> RefreshAllAsync(HimDbContext db, bool missingOnly, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var done = 0;
        var after = Guid.Empty;
        while (true)
        {
            var batch = missingOnly
                ? await db.Database.SqlQuery<Guid>($"""
                    SELECT p.id AS "Value" FROM clinical.patients p
                    WHERE p.id > {after} AND NOT EXISTS (SELECT FROM mpi.match_keys k WHERE k.patient_id = p.id)
                    ORDER BY p.id LIMIT {BatchSize}
                    """).ToListAsync(ct)
                : await db.Database.SqlQuery<Guid>($"""SELECT id AS "Value" FROM clinical.patients WHERE id > {after} ORDER BY id LIMIT {BatchSize}""").ToListAsync(ct);
            if (batch.Count == 0)
            {
                return done;
            }

            done += await RefreshAsync(db, batch, ct);
            after = batch[^1];
        }
    }

    public static async Task<int> RefreshAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, IReadOnlyCollection<Guid> patientIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(patientIds);
        if (patientIds.Count == 0)
        {
            return 0;
        }

        var temporary = await TemporaryNamesAsync(connection, transaction, ct);
        var rows = new List<MatchKeys>(patientIds.Count);
        await using (var read = new NpgsqlCommand(ReadSql, connection, transaction))
        {
            read.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. patientIds.Distinct()] });
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rows.Add(Keys(new PatientRow(
                    reader.GetGuid(0), Text(reader, 1), Text(reader, 2), Text(reader, 3),
                    reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4), Text(reader, 5), Text(reader, 6), Text(reader, 7),
                    Text(reader, 8), Text(reader, 9), Text(reader, 10), Text(reader, 11), reader.GetFieldValue<string[]>(12)), temporary));
            }
        }

        if (rows.Count == 0)
        {
            return 0;
        }

        await using var upsert = new NpgsqlCommand(UpsertSql, connection, transaction);
        upsert.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. rows.Select(r => r.PatientId)] });
        AddText(upsert, rows, r => r.Given);
        AddText(upsert, rows, r => r.GivenCanonical);
        AddText(upsert, rows, r => r.MiddleNames);
        AddText(upsert, rows, r => r.Family);
        AddText(upsert, rows, r => string.Join(ListSeparator, r.FamilyNames));
        upsert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.BirthDate).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date });
        AddText(upsert, rows, r => r.Sex);
        AddText(upsert, rows, r => r.Ssn);
        AddText(upsert, rows, r => r.SsnLast4);
        AddText(upsert, rows, r => r.Phone);
        AddText(upsert, rows, r => r.Email);
        AddText(upsert, rows, r => r.Street);
        AddText(upsert, rows, r => r.City);
        AddText(upsert, rows, r => r.PostalCode);
        AddText(upsert, rows, r => string.Join(ListSeparator, r.Identifiers));
        upsert.Parameters.Add(new NpgsqlParameter<bool[]> { TypedValue = [.. rows.Select(r => r.TemporaryName)] });
        await upsert.ExecuteNonQueryAsync(ct);
        return rows.Count;
    }

    /// <summary>What a record says, as read for its keys.</summary>
    internal sealed record PatientRow(
        Guid Id, string? Family, string? Given, string? Mrn, DateOnly? BirthDate, string? Sex, string? AddressLine, string? City,
        string? PostalCode, string? Phone, string? Names, string? Telecom, string[] Identifiers);

    /// <summary>The keys of one record (pure: the same code serves probes and tests).</summary>
    internal static MatchKeys Keys(PatientRow row, IReadOnlyList<string> temporaryNames)
    {
        var (given, middle, family, otherFamilies) = NamesOf(row);
        var familyParts = MatchNormaliser.NameParts(family);
        var familyNames = new SortedSet<string>(StringComparer.Ordinal);
        if (MatchNormaliser.Name(family) is { } whole)
        {
            familyNames.Add(whole);
        }

        familyNames.UnionWith(familyParts);
        foreach (var other in otherFamilies)
        {
            if (MatchNormaliser.Name(other) is { } o)
            {
                familyNames.Add(o);
            }

            familyNames.UnionWith(MatchNormaliser.NameParts(other));
        }

        var givenKey = MatchNormaliser.Name(given);
        string? ssn = null, last4 = null;
        List<string> identifiers = [];
        foreach (var identifier in row.Identifiers)
        {
            var (type, system, value) = identifier.Split('|', 3) is [var t, var s, var v] ? (t, s, v) : ("", "", identifier);
            switch (type)
            {
                case "SS" or "SB":
                    (ssn, last4) = ssn is null ? MatchNormaliser.Ssn(value) : (ssn, last4);
                    break;
                case "MR" when value == row.Mrn:
                case "":
                    // This hospital's MRN is not evidence between two of its records; an identifier without a type says
                    // nothing of what it is (Synthea's own record id), so neither is compared.
                    break;
                default:
                    identifiers.Add($"{type}:{system}|{value.Trim()}");
                    break;
            }
        }

        var (phone, email) = TelecomOf(row);
        return new MatchKeys
        {
            PatientId = row.Id,
            Given = Clip(givenKey, 100),
            GivenCanonical = Clip(MatchNormaliser.Canonical(givenKey), 100),
            MiddleNames = Clip(middle.Count == 0 ? null : string.Join(' ', middle), 200),
            Family = Clip(MatchNormaliser.Name(family), 100),
            FamilyNames = [.. familyNames.Select(n => Clip(n, 100)!)],
            BirthDate = row.BirthDate,
            Sex = row.Sex?.Trim().ToLowerInvariant(),
            Ssn = ssn,
            SsnLast4 = last4,
            Phone = phone,
            Email = Clip(email, 254),
            Street = Clip(MatchNormaliser.Street(row.AddressLine), 200),
            City = Clip(MatchNormaliser.Name(row.City), 100),
            PostalCode = MatchNormaliser.PostalCode(row.PostalCode),
            Identifiers = [.. identifiers.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            TemporaryName = MatchNormaliser.IsTemporary(given, family, temporaryNames),
        };
    }

    /// <summary>The official (or first) HumanName's first given, further givens and family; the families of maiden and old names.</summary>
    private static (string? Given, List<string> Middle, string? Family, List<string> OtherFamilies) NamesOf(PatientRow row)
    {
        string? given = null, family = null;
        List<string> middle = [], others = [];
        if (row.Names is { Length: > 2 } json)
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind == JsonValueKind.Array)
                {
                    var names = document.RootElement.EnumerateArray().ToList();
                    var main = names.FirstOrDefault(n => Use(n) is "official" or "usual");
                    if (main.ValueKind != JsonValueKind.Object)
                    {
                        main = names.FirstOrDefault(n => Use(n) is not ("maiden" or "old" or "nickname"));
                    }

                    if (main.ValueKind == JsonValueKind.Object)
                    {
                        family = main.TryGetProperty("family", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
                        if (main.TryGetProperty("given", out var g) && g.ValueKind == JsonValueKind.Array)
                        {
                            var givens = g.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList();
                            given = givens.FirstOrDefault();
                            middle.AddRange(givens.Skip(1).Select(MatchNormaliser.Name).OfType<string>());
                        }
                    }

                    others.AddRange(names.Where(n => Use(n) is "maiden" or "old" && n.TryGetProperty("family", out var f) && f.ValueKind == JsonValueKind.String)
                        .Select(n => n.GetProperty("family").GetString()!));
                }
            }
            catch (JsonException)
            {
                // A record whose names do not parse is matched on its columns.
            }
        }

        given ??= row.Given?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        family ??= row.Family;
        return (given, middle, family, others);
    }

    private static string? Use(JsonElement name) =>
        name.ValueKind == JsonValueKind.Object && name.TryGetProperty("use", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;

    private static (string? Phone, string? Email) TelecomOf(PatientRow row)
    {
        string? phone = MatchNormaliser.Phone(row.Phone), email = null;
        if (row.Telecom is { Length: > 2 } json)
        {
            try
            {
                using var document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind == JsonValueKind.Array)
                {
                    foreach (var telecom in document.RootElement.EnumerateArray())
                    {
                        if (telecom.ValueKind != JsonValueKind.Object || !telecom.TryGetProperty("value", out var v) || v.ValueKind != JsonValueKind.String)
                        {
                            continue;
                        }

                        var system = telecom.TryGetProperty("system", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
                        if (system == "email")
                        {
                            email ??= MatchNormaliser.Email(v.GetString());
                        }
                        else if (system == "phone")
                        {
                            phone ??= MatchNormaliser.Phone(v.GetString());
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // As for names: the columns stand.
            }
        }

        return (phone, email);
    }

    /// <summary>The configured temporary names (MatchWeights on the settings row), or the defaults when there is no row yet.</summary>
    private static async Task<IReadOnlyList<string>> TemporaryNamesAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT weights::text FROM mpi.match_settings WHERE id = 1", connection, transaction);
        return await command.ExecuteScalarAsync(ct) is string json ? MatchWeights.FromJson(json).TemporaryNames : MatchWeights.Default.TemporaryNames;
    }

    private static string? Text(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static string? Clip(string? value, int length) => value is not null && value.Length > length ? value[..length] : value;

    private static void AddText(NpgsqlCommand command, List<MatchKeys> rows, Func<MatchKeys, string?> value) =>
        command.Parameters.Add(new NpgsqlParameter { Value = rows.Select(value).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });

    private const string ReadSql = """
        SELECT p.id, p.family_name, p.given_names, p.mrn, p.birth_date, p.sex, p.address_line, p.city, p.postal_code, p.phone,
               (p.resource -> 'name')::text, (p.resource -> 'telecom')::text,
               ARRAY(SELECT coalesce(i.type_code, '') || '|' || coalesce(i.system, '') || '|' || i.value
                     FROM clinical.patient_identifiers i WHERE i.parent_id = p.id ORDER BY i.ordinal)
        FROM clinical.patients p WHERE p.id = ANY($1)
        """;

    /// <summary>
    /// The upsert, and the name frequencies moved by the difference: the old names (read in the same snapshot, before
    /// the update) count −1, the new +1, so upkeep costs what the batch costs, never a count over the whole index.
    /// </summary>
    private const string UpsertSql = """
        WITH input AS (
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[], $8::text[], $9::text[],
                                 $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::boolean[])
                AS t(patient_id, given, given_canonical, middle_names, family, family_names, birth_date, sex, ssn, ssn_last4, phone, email,
                     street, city, postal_code, identifiers, temporary_name)),
        old AS (
            SELECT k.family, k.given_canonical FROM mpi.match_keys k JOIN input i ON i.patient_id = k.patient_id),
        upserted AS (
            INSERT INTO mpi.match_keys AS k (patient_id, given, given_canonical, middle_names, family, family_names, given_phonetic, family_phonetic,
                                        birth_date, sex, ssn, ssn_last4, phone, email, street, city, postal_code, identifiers, temporary_name, updated_at)
            SELECT patient_id, given, given_canonical, middle_names, family,
                   CASE WHEN family_names = '' THEN '{}'::text[] ELSE string_to_array(family_names, E'\x1f') END,
                   NULLIF(dmetaphone(coalesce(given_canonical, '')), ''), NULLIF(dmetaphone(coalesce(family, '')), ''),
                   birth_date, sex, ssn, ssn_last4, phone, email, street, city, postal_code,
                   CASE WHEN identifiers = '' THEN '{}'::text[] ELSE string_to_array(identifiers, E'\x1f') END,
                   temporary_name, now()
            FROM input
            ON CONFLICT (patient_id) DO UPDATE SET
                given = excluded.given, given_canonical = excluded.given_canonical, middle_names = excluded.middle_names,
                family = excluded.family, family_names = excluded.family_names, given_phonetic = excluded.given_phonetic,
                family_phonetic = excluded.family_phonetic, birth_date = excluded.birth_date, sex = excluded.sex, ssn = excluded.ssn,
                ssn_last4 = excluded.ssn_last4, phone = excluded.phone, email = excluded.email, street = excluded.street,
                city = excluded.city, postal_code = excluded.postal_code, identifiers = excluded.identifiers,
                temporary_name = excluded.temporary_name, updated_at = excluded.updated_at
            RETURNING k.family, k.given_canonical),
        deltas AS (
            SELECT 'family' AS kind, family AS value, -1 AS d FROM old WHERE family IS NOT NULL
            UNION ALL SELECT 'given', given_canonical, -1 FROM old WHERE given_canonical IS NOT NULL
            UNION ALL SELECT 'family', family, 1 FROM upserted WHERE family IS NOT NULL
            UNION ALL SELECT 'given', given_canonical, 1 FROM upserted WHERE given_canonical IS NOT NULL)
        INSERT INTO mpi.name_frequencies AS f (kind, value, records)
        SELECT kind, value, sum(d) FROM deltas GROUP BY kind, value HAVING sum(d) <> 0 ORDER BY kind, value
        ON CONFLICT (kind, value) DO UPDATE SET records = GREATEST(0, f.records + excluded.records)
        """;
}
