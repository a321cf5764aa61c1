using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace HimPortal.Tests.Audit;

/// <summary>PostgreSQL itself refuses to change or remove audit rows, whoever asks.</summary>
public sealed class AppendOnlyTests(TestDatabase database) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        await AccessAuditTests.RecordAsync(scope.ServiceProvider, "view");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("UPDATE audit.access_events SET outcome = 'error'")]
    [InlineData("DELETE FROM audit.access_events")]
    [InlineData("TRUNCATE audit.access_events")]
    public async Task The_application_role_has_no_privilege_to_change_audit_rows(string sql)
    {
        var error = await Should.ThrowAsync<PostgresException>(() => database.ExecuteAsync(sql, database.AppConnectionString));
        error.SqlState.ShouldBe(PostgresErrorCodes.InsufficientPrivilege);
    }

    [Theory]
    [InlineData("UPDATE audit.access_events SET outcome = 'error'", "UPDATE")]
    [InlineData("DELETE FROM audit.access_events", "DELETE")]
    [InlineData("TRUNCATE audit.access_events", "TRUNCATE")]
    public async Task Even_the_table_owner_is_stopped_by_the_triggers(string sql, string operation)
    {
        var error = await Should.ThrowAsync<PostgresException>(() => database.ExecuteAsync(sql, database.OwnerConnectionString));
        error.MessageText.ShouldBe($"audit.access_events is append-only: {operation} is not allowed");
    }

    [Fact]
    public async Task Replica_mode_does_not_switch_the_triggers_off()
    {
        var error = await Should.ThrowAsync<PostgresException>(() => database.ExecuteAsync(
            "SET session_replication_role = replica; DELETE FROM audit.access_events;", database.SuperuserConnectionString));
        error.MessageText.ShouldContain("append-only");
    }

    [Fact]
    public async Task The_application_role_may_append_and_read()
    {
        var rows = await database.ScalarAsync<long>("SELECT count(*) FROM audit.access_events", database.AppConnectionString);
        rows.ShouldBeGreaterThan(0);
        var owner = await database.ScalarAsync<string>(
            "SELECT tableowner::text FROM pg_tables WHERE schemaname = 'audit' AND tablename = 'access_events'");
        owner.ShouldBe(PostgresServer.OwnerRole);
        owner.ShouldNotBe(PostgresServer.AppRole);
    }
}
