using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Audit;

/// <summary>
/// `himportal audit verify` passes an untouched chain and names the first bad row of a tampered one. Tampering is done
/// as a superuser with the triggers disabled, as an attacker with full database access would.
/// </summary>
public sealed class VerifyAuditChainTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await using var services = _database.Services();
        // Enough rows that every lane holds several links.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                await using var scope = services.CreateAsyncScope();
                await AccessAuditTests.RecordAsync(scope.ServiceProvider, "view");
            }
        })));
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    private Task TamperAsync(string sql) => _database.TamperAsync(sql);

    private Task<string> RowAsync(string where) =>
        _database.ScalarAsync<Guid>($"SELECT id FROM audit.access_events WHERE {where} ORDER BY lane, lane_seq LIMIT 1")
            .ContinueWith(t => t.Result.ToString(), TaskScheduler.Default);

    [Fact]
    public async Task An_untouched_chain_verifies()
    {
        var run = await CliRunner.RunAsync(_database, null, "audit", "verify");
        run.ExitCode.ShouldBe(0, run.Error);
        run.Output.ShouldStartWith("Audit chain intact: 120 row(s)");
    }

    [Fact]
    public async Task An_altered_row_is_named()
    {
        var victim = await RowAsync("lane_seq = 3");
        await TamperAsync($"UPDATE audit.access_events SET user_name = 'someone-else' WHERE id = '{victim}'");

        var run = await CliRunner.RunAsync(_database, null, "audit", "verify");
        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain($"BROKEN at row {victim}");
        run.Error.ShouldContain("altered");
    }

    [Fact]
    public async Task A_removed_row_is_detected_at_the_row_after_it()
    {
        var lane = await _database.ScalarAsync<short>("SELECT lane FROM audit.access_events WHERE lane_seq = 4 ORDER BY lane LIMIT 1");
        var successor = await RowAsync($"lane = {lane} AND lane_seq = 3");
        await TamperAsync($"DELETE FROM audit.access_events WHERE lane = {lane} AND lane_seq = 2");

        var run = await CliRunner.RunAsync(_database, null, "audit", "verify");
        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain($"BROKEN at row {successor}");
        run.Error.ShouldContain("missing");
    }

    [Fact]
    public async Task A_row_inserted_out_of_order_is_named()
    {
        // A forged row appended to a lane but chained to an older link, with a hash that is correct for its own content.
        var lane = await _database.ScalarAsync<short>("SELECT lane FROM audit.access_events WHERE lane_seq = 3 ORDER BY lane LIMIT 1");
        var forged = Guid.CreateVersion7();
        await TamperAsync($"""
            INSERT INTO audit.access_events (id, occurred_at, user_id, user_name, roles, action, outcome, patient_id, resource_type,
                resource_id, purpose, details, client_ip, user_agent, correlation_id, lane, lane_seq, prev_hash, hash)
            SELECT '{forged}', now(), user_id, user_name, roles, action, outcome, patient_id, resource_type, resource_id, purpose,
                   details, client_ip, user_agent, correlation_id, lane,
                   (SELECT max(lane_seq) + 1 FROM audit.access_events WHERE lane = {lane}), prev_hash, hash
            FROM audit.access_events WHERE lane = {lane} AND lane_seq = 1
            """);

        var run = await CliRunner.RunAsync(_database, null, "audit", "verify");
        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain($"BROKEN at row {forged}");
        run.Error.ShouldContain("out of order");
    }
}
