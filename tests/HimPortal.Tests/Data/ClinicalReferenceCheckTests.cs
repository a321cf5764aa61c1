using HimPortal.Tests.Infrastructure;
using Npgsql;

namespace HimPortal.Tests.Data;

/// <summary>
/// The clinical record's references are checked by PostgreSQL once per statement (ADR 0012), not by per-row foreign
/// keys: every reference column has its check, a dangling reference is refused on insert and on update, and whole
/// resources are never deleted, truncated or re-keyed, so no check can be undone afterwards.
/// </summary>
public sealed class ClinicalReferenceCheckTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    /// <summary>
    /// uuid columns named *_id that are not references: the record a version counts (nil for shared master data); what an
    /// import conflict records as the source sent it (ADR 0019: a resource of any table, a patient the refused bundle never
    /// stored, the patient whose record held it, the account that resolved it), kept as seen whatever becomes of them.
    /// </summary>
    private static readonly string[] NotReferences =
    [
        "record_versions.record_id", "import_conflicts.resource_id", "import_conflicts.incoming_patient_id",
        "import_conflicts.stored_patient_id", "import_conflicts.resolved_by_user_id",
    ];

    public async Task InitializeAsync()
    {
        if (await database.ScalarAsync<long>("SELECT count(*) FROM clinical.patients") > 0)
            return;
        var import = await CliRunner.RunAsync(database, null, "import", SyntheaData.HospitalBundle, SyntheaData.PractitionerBundle,
            SyntheaData.PatientBundle("8a4c9c04-1524-9f1c-d65b-9b17e4520fef"));
        import.ExitCode.ShouldBe(0, import.Error);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Every_reference_column_is_checked_on_insert_and_update()
    {
        var columns = new List<(string Table, string Column)>();
        await using (var connection = new NpgsqlConnection(database.OwnerConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""
                SELECT table_name, column_name FROM information_schema.columns
                WHERE table_schema = 'clinical' AND data_type = 'uuid' AND column_name LIKE '%\_id' ORDER BY 1, 2
                """, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                columns.Add((reader.GetString(0), reader.GetString(1)));
        }

        columns.Count.ShouldBeGreaterThan(40);
        foreach (var (table, column) in columns.Where(c => !NotReferences.Contains($"{c.Table}.{c.Column}")))
        {
            var source = await database.ScalarAsync<string?>(
                $"SELECT prosrc FROM pg_proc WHERE pronamespace = 'clinical'::regnamespace AND proname = 'check_{table}_references'");
            source.ShouldNotBeNull($"clinical.{table} has no reference check function");
            source.ShouldContain($"n.{column} AS id", Case.Sensitive, $"clinical.{table}.{column} is not checked");
            (await database.ScalarAsync<long>($"""
                SELECT count(*) FROM pg_trigger WHERE tgrelid = 'clinical.{table}'::regclass
                AND tgname IN ('check_references_on_insert', 'check_references_on_update') AND tgenabled = 'O'
                """)).ShouldBe(2, $"clinical.{table} lacks its insert and update check triggers");
        }
    }

    [Fact]
    public async Task A_dangling_reference_is_refused_on_insert_and_changes_nothing()
    {
        var before = await database.ScalarAsync<long>("SELECT count(*) FROM clinical.patient_identifiers");
        var error = await Should.ThrowAsync<PostgresException>(() => database.ExecuteAsync(
            "INSERT INTO clinical.patient_identifiers (parent_id, ordinal, value) VALUES (gen_random_uuid(), 0, 'x')",
            database.AppConnectionString));
        error.SqlState.ShouldBe(PostgresErrorCodes.ForeignKeyViolation);
        error.ColumnName.ShouldBe("parent_id");
        error.MessageText.ShouldContain("clinical.patients");
        (await database.ScalarAsync<long>("SELECT count(*) FROM clinical.patient_identifiers")).ShouldBe(before);

        // One bad row among good ones fails the whole statement.
        await Should.ThrowAsync<PostgresException>(() => database.ExecuteAsync("""
            INSERT INTO clinical.patient_identifiers (parent_id, ordinal, value)
            SELECT id, 900, 'good' FROM clinical.patients UNION ALL SELECT gen_random_uuid(), 900, 'bad'
            """, database.AppConnectionString));
        (await database.ScalarAsync<long>("SELECT count(*) FROM clinical.patient_identifiers")).ShouldBe(before);
    }

    [Fact]
    public async Task A_dangling_reference_is_refused_on_update()
    {
        var error = await Should.ThrowAsync<PostgresException>(() => database.ExecuteAsync(
            "UPDATE clinical.observations SET encounter_id = gen_random_uuid() WHERE id = (SELECT id FROM clinical.observations ORDER BY id LIMIT 1)",
            database.AppConnectionString));
        error.SqlState.ShouldBe(PostgresErrorCodes.ForeignKeyViolation);
        error.TableName.ShouldBe("observations");
        error.ColumnName.ShouldBe("encounter_id");

        // A reference to a stored row is accepted.
        await database.ExecuteAsync("""
            UPDATE clinical.observations o SET encounter_id = e.id
            FROM (SELECT id, patient_id FROM clinical.encounters ORDER BY id LIMIT 1) e
            WHERE o.id = (SELECT id FROM clinical.observations WHERE patient_id = e.patient_id ORDER BY id LIMIT 1)
            """, database.AppConnectionString);
    }

    [Theory]
    [InlineData("DELETE FROM clinical.patients")]
    [InlineData("DELETE FROM clinical.encounters WHERE id = (SELECT id FROM clinical.encounters ORDER BY id LIMIT 1)")]
    [InlineData("DELETE FROM clinical.practitioners")]
    [InlineData("TRUNCATE clinical.encounters CASCADE")]
    [InlineData("UPDATE clinical.patients SET id = gen_random_uuid()")]
    [InlineData("UPDATE clinical.organizations SET id = gen_random_uuid() WHERE id = (SELECT id FROM clinical.organizations ORDER BY id LIMIT 1)")]
    public async Task Resources_others_refer_to_are_never_removed_or_rekeyed(string sql)
    {
        var patients = await database.ScalarAsync<long>("SELECT count(*) FROM clinical.patients");
        var encounters = await database.ScalarAsync<long>("SELECT count(*) FROM clinical.encounters");
        // As the schema owner, whose grants would allow it: the triggers refuse, not the application role's missing rights.
        var error = await Should.ThrowAsync<PostgresException>(() => database.ExecuteAsync(sql, database.OwnerConnectionString));
        error.SqlState.ShouldBe(PostgresErrorCodes.RestrictViolation);
        (await database.ScalarAsync<long>("SELECT count(*) FROM clinical.patients")).ShouldBe(patients);
        (await database.ScalarAsync<long>("SELECT count(*) FROM clinical.encounters")).ShouldBe(encounters);
    }
}
