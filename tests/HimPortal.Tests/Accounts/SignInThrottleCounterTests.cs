using HimPortal.Application.Accounts.SignIn;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HimPortal.Tests.Accounts;

/// <summary>The sign-in counters themselves (ADR 0022): atomic across nodes, keys hashed, pruned when they hold nothing.</summary>
public sealed class SignInThrottleCounterTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task Parallel_attempts_on_two_nodes_get_exactly_the_free_failures_and_no_more()
    {
        var clock = new TestClock();
        // Two service providers: two nodes, each with its own connection pool, on one database.
        await using var nodeA = db.Services(clock: clock);
        await using var nodeB = db.Services(clock: clock);
        var throttles = new[] { nodeA.GetRequiredService<SignInThrottles>(), nodeB.GetRequiredService<SignInThrottles>() };
        var account = $"PARALLEL.{Guid.NewGuid():N}@HOSPITAL.EXAMPLE";

        var attempts = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() =>
            throttles[i % 2].TryAttemptAsync(account, "192.0.2.7", CancellationToken.None))));

        // Five free failures for one account on one client (the default): the row lock lets exactly five through.
        attempts.Count(a => a.RefusedBy is null).ShouldBe(5);
        attempts.Count(a => a.RefusedBy == SignInThrottleScope.AccountOnClient).ShouldBe(25);
    }

    [Fact]
    public async Task Keys_are_stored_hashed_and_rows_that_hold_nothing_are_pruned()
    {
        var clock = new TestClock();
        await using var services = db.Services(clock: clock);
        var throttles = services.GetRequiredService<SignInThrottles>();
        var account = $"HASHED.{Guid.NewGuid():N}@HOSPITAL.EXAMPLE";

        await throttles.TryAttemptAsync(account, "192.0.2.8", CancellationToken.None);

        (await db.ScalarAsync<long>(
            $"SELECT count(*) FROM access.sign_in_throttles WHERE position(convert_to('{account}', 'UTF8') IN key_hash) > 0 OR position(convert_to('192.0.2.8', 'UTF8') IN key_hash) > 0"))
            .ShouldBe(0);
        (await db.ScalarAsync<long>("SELECT count(*) FROM access.sign_in_throttles WHERE length(key_hash) = 32")).ShouldBeGreaterThanOrEqualTo(3);

        // Past the longest ForgetAfter (one day) the rows of a failure slow nobody and go.
        clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        (await throttles.PruneAsync(CancellationToken.None)).ShouldBeGreaterThanOrEqualTo(3);
        (await throttles.TryAttemptAsync(account, "192.0.2.8", CancellationToken.None)).RefusedBy.ShouldBeNull();
    }

    [Fact]
    public async Task A_delay_longer_than_its_count_is_remembered_is_refused_naming_the_key()
    {
        await using var services = db.Services(settings: new Dictionary<string, string?> { ["SignIn:PerAccount:MaxDelay"] = "02:00:00" });

        var refusal = Should.Throw<OptionsValidationException>(() => services.GetRequiredService<IOptions<SignInThrottleOptions>>().Value);

        refusal.Message.ShouldContain("SignIn:PerAccount:MaxDelay");
    }
}
