using HimPortal.Application.Common.Throttles;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Common.Throttles;

/// <summary>Throttles kept in PostgreSQL: exact per window, shared by every node, keys hashed, old windows pruned.</summary>
public sealed class ThrottleTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 9, 0, 10, TimeSpan.Zero);

    [Fact]
    public async Task A_key_gets_its_limit_per_window_and_again_in_the_next_window()
    {
        var clock = new TestClock();
        clock.Set(Start);
        await using var services = db.Services(clock: clock);
        var throttle = services.GetRequiredService<Throttle>();
        var key = "sign-in:" + Guid.NewGuid();

        for (var i = 1; i <= 3; i++)
        {
            (await throttle.TryAcquireAsync(key, 3, TimeSpan.FromMinutes(1), CancellationToken.None)).ShouldSatisfyAllConditions(
                d => d.Allowed.ShouldBeTrue(), d => d.Used.ShouldBe(i));
        }

        var refused = await throttle.TryAcquireAsync(key, 3, TimeSpan.FromMinutes(1), CancellationToken.None);
        refused.Allowed.ShouldBeFalse();
        refused.ResetsAt.ShouldBe(new DateTimeOffset(2026, 12, 7, 9, 1, 0, TimeSpan.Zero));
        refused.RetryAfter(Start).ShouldBe(TimeSpan.FromSeconds(50));
        (await throttle.TryAcquireAsync(key, 3, TimeSpan.FromMinutes(1), CancellationToken.None)).Allowed.ShouldBeFalse();
        (await throttle.TryAcquireAsync(key, 3, TimeSpan.FromHours(1), CancellationToken.None)).Allowed.ShouldBeTrue("another window length is another throttle");

        clock.Advance(TimeSpan.FromSeconds(50));
        (await throttle.TryAcquireAsync(key, 3, TimeSpan.FromMinutes(1), CancellationToken.None)).ShouldSatisfyAllConditions(
            d => d.Allowed.ShouldBeTrue(), d => d.Used.ShouldBe(1));
    }

    [Fact]
    public async Task Concurrent_callers_on_separate_nodes_never_get_past_the_limit()
    {
        var clock = new TestClock();
        clock.Set(Start.AddHours(1));
        // Two service providers: two nodes, each with its own connection pool.
        await using var nodeA = db.Services(clock: clock);
        await using var nodeB = db.Services(clock: clock);
        var throttles = new[] { nodeA.GetRequiredService<Throttle>(), nodeB.GetRequiredService<Throttle>() };
        var key = "portal-code:" + Guid.NewGuid();

        var decisions = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() =>
            throttles[i % 2].TryAcquireAsync(key, 5, TimeSpan.FromMinutes(10), CancellationToken.None))));

        decisions.Count(d => d.Allowed).ShouldBe(5);
        decisions.Where(d => d.Allowed).Select(d => d.Used).Order().ShouldBe([1, 2, 3, 4, 5]);
        (await db.ScalarAsync<int>("SELECT max(hits) FROM access.throttle_windows")).ShouldBeLessThanOrEqualTo(6, "refused attempts stop counting at limit + 1");
    }

    [Fact]
    public async Task Keys_are_stored_hashed_and_ended_windows_are_pruned()
    {
        var clock = new TestClock();
        clock.Set(Start.AddDays(1));
        await using var services = db.Services(clock: clock);
        var throttle = services.GetRequiredService<Throttle>();
        var email = $"alice.{Guid.NewGuid():N}@example.org";

        (await throttle.TryAcquireAsync("sign-in:" + email, 5, TimeSpan.FromMinutes(15), CancellationToken.None)).Allowed.ShouldBeTrue();

        var hash = Convert.ToHexString(Throttle.HashKey("sign-in:" + email, TimeSpan.FromMinutes(15))).ToLowerInvariant();
        (await db.ScalarAsync<long>($"SELECT count(*) FROM access.throttle_windows WHERE key_hash = '\\x{hash}'::bytea")).ShouldBe(1);
        (await db.ScalarAsync<long>($"SELECT count(*) FROM access.throttle_windows t WHERE position(convert_to('{email}', 'UTF8') in t.key_hash) > 0 OR length(t.key_hash) <> 32"))
            .ShouldBe(0);

        clock.Advance(TimeSpan.FromMinutes(16));
        (await throttle.PruneAsync(CancellationToken.None)).ShouldBeGreaterThanOrEqualTo(1);
        (await db.ScalarAsync<long>($"SELECT count(*) FROM access.throttle_windows WHERE key_hash = '\\x{hash}'::bytea")).ShouldBe(0);
    }
}
