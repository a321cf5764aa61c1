using HimPortal.Data;
using HimPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace HimPortal.Tests.Cli;

/// <summary>`himportal migrate` on an empty database: schema, triggers and grants, and a second run changes nothing.</summary>
public sealed class MigrateTests : IAsyncLifetime
{
    private PostgresServer.Server _server = null!;
    private readonly string _name = "himportal_t_" + Guid.NewGuid().ToString("N")[..16];

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.GetAsync();
        await PostgresServer.ExecuteAsync(_server.Superuser("postgres"), $"CREATE DATABASE {_name} OWNER {PostgresServer.OwnerRole}");
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await PostgresServer.ExecuteAsync(_server.Superuser("postgres"), $"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");
    }

    [Fact]
    public async Task Migrate_creates_the_schema_and_grants_then_is_a_no_op()
    {
        var empty = new EmptyDatabase(_server, _name);

        var first = await CliRunner.RunAsync(empty, null, "migrate");
        first.ExitCode.ShouldBe(0, first.Error);
        // Every migration the model assembly holds, in order.
        var migrations = typeof(HimPortal.Data.HimDbContext).Assembly.GetTypes()
            .Where(t => t.GetCustomAttributes(typeof(MigrationAttribute), false).Length > 0)
            .ToList();
        first.Output.ShouldContain($"Applied {migrations.Count} migration(s)");
        first.Output.ShouldContain($"Granted role {PostgresServer.AppRole}");

        var second = await CliRunner.RunAsync(empty, null, "migrate");
        second.ExitCode.ShouldBe(0, second.Error);
        second.Output.ShouldContain("Schema is up to date.");

        await using var connection = new NpgsqlConnection(_server.Superuser(_name));
        await connection.OpenAsync();
        await using var triggers = new NpgsqlCommand(
            "SELECT string_agg(tgname || ':' || tgenabled::text, ',' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = 'audit.access_events'::regclass",
            connection);
        // 'A' = ENABLE ALWAYS: the triggers fire in replica mode too.
        (await triggers.ExecuteScalarAsync()).ShouldBe("access_events_no_delete:A,access_events_no_truncate:A,access_events_no_update:A");
        await using var privileges = new NpgsqlCommand(
            $"SELECT string_agg(DISTINCT privilege_type, ',' ORDER BY privilege_type) FROM information_schema.role_table_grants WHERE grantee = '{PostgresServer.AppRole}' AND table_schema = 'audit'",
            connection);
        // Read only: appends go through audit.append, the one function (with ensure_partitions) the role may execute.
        (await privileges.ExecuteScalarAsync()).ShouldBe("SELECT");
        await using var functions = new NpgsqlCommand(
            $"SELECT string_agg(p.proname, ',' ORDER BY p.proname) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'audit' AND has_function_privilege('{PostgresServer.AppRole}', p.oid, 'EXECUTE') AND p.prorettype <> 'trigger'::regtype",
            connection);
        (await functions.ExecuteScalarAsync()).ShouldBe("append,ensure_partitions");
    }

    /// <summary>
    /// The SQL script of every migration (what `dotnet ef migrations script` gives a DBA) runs on an empty database as the
    /// schema owner and leaves the same schema: generated operations and hand-written SQL alike end their statements.
    /// </summary>
    [Fact]
    public async Task The_migrations_SQL_script_applies_to_an_empty_database()
    {
        var owner = new EmptyDatabase(_server, _name).OwnerConnectionString;
        var options = DataServiceCollectionExtensions.Configure(new DbContextOptionsBuilder<HimDbContext>(), owner);
        string script;
        await using (var context = new HimDbContext((DbContextOptions<HimDbContext>)options.Options))
        {
            script = context.GetService<IMigrator>().GenerateScript();
        }

        await PostgresServer.ExecuteAsync(owner, script);

        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync();
        await using var resource = new NpgsqlCommand("""
            SELECT format_type(atttypid, atttypmod) || ' ' || attcompression::text FROM pg_attribute
            WHERE attrelid = 'clinical.observations'::regclass AND attname = 'resource'
            """, connection);
        (await resource.ExecuteScalarAsync()).ShouldBe("json l");
        await using var checks = new NpgsqlCommand(
            "SELECT count(*) FROM pg_trigger WHERE tgname IN ('check_references_on_insert', 'check_references_on_update')", connection);
        // 20 tables of the record and the 3 of its corrections (ClinicalCorrections), each checked on insert and on update.
        (await checks.ExecuteScalarAsync()).ShouldBe(46L);
        await using var history = new NpgsqlCommand("SELECT count(*) FROM public.\"__EFMigrationsHistory\"", connection);
        (await history.ExecuteScalarAsync()).ShouldBe((long)typeof(HimDbContext).Assembly.GetTypes()
            .Count(t => t.GetCustomAttributes(typeof(MigrationAttribute), false).Length > 0));
    }

    [Fact]
    public async Task Migrate_warns_when_the_application_would_log_in_as_the_owner()
    {
        var run = await CliRunner.RunAsync(new EmptyDatabase(_server, _name, sameRole: true), null, "migrate");
        run.ExitCode.ShouldBe(0, run.Error);
        run.Error.ShouldContain("warning: The application logs in as the schema owner");
    }

    private sealed class EmptyDatabase(PostgresServer.Server server, string name, bool sameRole = false) : IDatabaseConnections
    {
        public string AppConnectionString => server.Connection(name, sameRole ? PostgresServer.OwnerRole : PostgresServer.AppRole);

        public string OwnerConnectionString => server.Connection(name, PostgresServer.OwnerRole);
    }
}
