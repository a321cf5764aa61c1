using HimPortal.Data;
using Npgsql;
using Testcontainers.PostgreSql;

namespace HimPortal.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server the tests run on: HIMPORTAL_TEST_DB (a superuser connection string) when set, as the test script
/// sets it, else a Testcontainers PostgreSQL where a Docker engine runs. Once per test run it creates the two login roles
/// (schema owner and application, as in production) and a migrated template database that each test class copies.
/// See docs/adr/0004-test-databases.md.
/// </summary>
public static class PostgresServer
{
    public const string OwnerRole = "himportal_test_owner";
    public const string AppRole = "himportal_test_app";
    private const string OwnerPassword = "owner-test-only";
    private const string AppPassword = "app-test-only";

    private static readonly Lazy<Task<Server>> Instance = new(StartAsync);

    public sealed record Server(string SuperuserConnectionString, string TemplateDatabase)
    {
        public string Connection(string database, string role) =>
            new NpgsqlConnectionStringBuilder(SuperuserConnectionString)
            {
                Database = database,
                Username = role,
                Password = role == OwnerRole ? OwnerPassword : AppPassword,
                MaxPoolSize = 20,
            }.ConnectionString;

        public string Superuser(string database) =>
            new NpgsqlConnectionStringBuilder(SuperuserConnectionString) { Database = database, MaxPoolSize = 5 }.ConnectionString;
    }

    public static Task<Server> GetAsync() => Instance.Value;

    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<Server> StartAsync()
    {
        var server = Environment.GetEnvironmentVariable("HIMPORTAL_TEST_DB");
        if (string.IsNullOrWhiteSpace(server))
        {
            var container = new PostgreSqlBuilder("postgres:15").Build();
            await container.StartAsync();
            server = container.GetConnectionString();
        }

        var admin = new NpgsqlConnectionStringBuilder(server) { Database = "postgres", Pooling = false }.ConnectionString;
        await ExecuteAsync(admin, $"""
            DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OwnerRole}') THEN
                CREATE ROLE {OwnerRole} LOGIN PASSWORD '{OwnerPassword}';
              END IF;
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{AppRole}') THEN
                CREATE ROLE {AppRole} LOGIN PASSWORD '{AppPassword}';
              END IF;
            END $$;
            """);

        // Leftovers of an interrupted earlier run.
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            var stale = new List<string>();
            await using (var list = new NpgsqlCommand("SELECT datname FROM pg_database WHERE datname LIKE 'himportal\\_t\\_%' OR datname LIKE 'himportal\\_tpl\\_%'", connection))
            await using (var reader = await list.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    stale.Add(reader.GetString(0));
                }
            }

            foreach (var name in stale)
            {
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
        }

        var template = "himportal_tpl_" + Environment.ProcessId;
        await ExecuteAsync(admin, $"CREATE DATABASE {template} OWNER {OwnerRole}");
        var info = new Server(server, template);
        await DatabaseMigrator.MigrateAsync(info.Connection(template, OwnerRole), info.Connection(template, AppRole), CancellationToken.None);
        NpgsqlConnection.ClearAllPools();
        return info;
    }
}
