using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Cli;

/// <summary>`himportal audit generate` writes a chain that verifies, and stays out of databases people use.</summary>
public sealed class AuditGenerateTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task Generated_rows_span_the_days_asked_for_and_the_chain_verifies()
    {
        var run = await CliRunner.RunAsync(_database, null, "audit", "generate", "--rows", "6000", "--patients", "300", "--users", "40", "--days", "60");
        run.ExitCode.ShouldBe(0, run.Error);
        run.Output.ShouldContain("Generated 6000 audit row(s) for 40 user(s) and 300 patient(s)");

        (await _database.ScalarAsync<long>("SELECT count(*) FROM audit.access_events WHERE user_agent LIKE 'himportal-audit-generate%'")).ShouldBe(6000);
        var days = await _database.ScalarAsync<int>("SELECT (max(occurred_at)::date - min(occurred_at)::date) FROM audit.access_events");
        days.ShouldBeInRange(55, 60);
        var actions = await _database.ScalarAsync<long>("SELECT count(DISTINCT action) FROM audit.access_events");
        actions.ShouldBeGreaterThanOrEqualTo(9);

        var verify = await CliRunner.RunAsync(_database, null, "audit", "verify");
        verify.ExitCode.ShouldBe(0, verify.Error);
        verify.Output.ShouldContain("Audit chain intact: 6000 row(s) in 16 lane(s)");
    }

    [Fact]
    public async Task A_database_where_people_signed_in_is_refused_unless_its_name_is_typed_back()
    {
        await using var database = new TestDatabase();
        await database.InitializeAsync();
        await using (var services = database.Services())
        {
            await Personas.CreateAsync(services, Roles.Physician);
        }

        await database.ExecuteAsync("UPDATE identity.users SET last_sign_in_at = now()");
        var refused = await CliRunner.RunAsync(database, null, "audit", "generate", "--rows", "10");
        refused.ExitCode.ShouldBe(1);
        refused.Error.ShouldContain($"--confirm-database {database.Name}");
        (await database.ScalarAsync<long>("SELECT count(*) FROM audit.access_events WHERE user_agent LIKE 'himportal-audit-generate%'")).ShouldBe(0);

        var confirmed = await CliRunner.RunAsync(database, null, "audit", "generate", "--rows", "10", "--confirm-database", database.Name);
        confirmed.ExitCode.ShouldBe(0, confirmed.Error);
    }
}
