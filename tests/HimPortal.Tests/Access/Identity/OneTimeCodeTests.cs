using System.Text;
using HimPortal.Application.Access.Identity;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Access.Identity;

/// <summary>Used one-time codes in PostgreSQL: each code once per user, purpose and step, on any node; only hashes kept.</summary>
public sealed class OneTimeCodeTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    [Fact]
    public async Task A_code_is_accepted_once_per_user_purpose_and_step()
    {
        await using var services = db.Services();
        var codes = services.GetRequiredService<OneTimeCodes>();
        var user = Guid.NewGuid();
        var expires = DateTimeOffset.UtcNow.AddMinutes(2);

        (await codes.TryUseAsync(user, "totp", "123456", 100, expires, CancellationToken.None)).ShouldBeTrue();
        (await codes.TryUseAsync(user, "totp", "123456", 100, expires, CancellationToken.None)).ShouldBeFalse();
        (await codes.TryUseAsync(user, "totp", "123456", 101, expires, CancellationToken.None)).ShouldBeTrue("another step");
        (await codes.TryUseAsync(user, "email-verification", "123456", 100, expires, CancellationToken.None)).ShouldBeTrue("another purpose");
        (await codes.TryUseAsync(Guid.NewGuid(), "totp", "123456", 100, expires, CancellationToken.None)).ShouldBeTrue("another user");

        (await db.ScalarAsync<long>($"SELECT count(*) FROM access.used_one_time_codes WHERE user_id = '{user}' AND length(code_hash) = 32")).ShouldBe(3);
        (await db.ScalarAsync<long>($"SELECT count(*) FROM access.used_one_time_codes WHERE position(convert_to('123456', 'UTF8') in code_hash) > 0"))
            .ShouldBe(0);
    }

    [Fact]
    public async Task Of_many_nodes_racing_with_the_same_code_exactly_one_accepts_it()
    {
        await using var nodeA = db.Services();
        await using var nodeB = db.Services();
        var stores = new[] { nodeA.GetRequiredService<OneTimeCodes>(), nodeB.GetRequiredService<OneTimeCodes>() };
        var user = Guid.NewGuid();

        var accepted = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            stores[i % 2].TryUseAsync(user, "totp", "654321", 7, DateTimeOffset.UtcNow.AddMinutes(2), CancellationToken.None))));

        accepted.Count(a => a).ShouldBe(1);
    }

    [Fact]
    public async Task Expired_codes_are_pruned()
    {
        var clock = new TestClock();
        await using var services = db.Services(clock: clock);
        var codes = services.GetRequiredService<OneTimeCodes>();
        var user = Guid.NewGuid();
        (await codes.TryUseAsync(user, "totp", "111111", 1, clock.GetUtcNow().AddSeconds(90), CancellationToken.None)).ShouldBeTrue();

        clock.Advance(TimeSpan.FromSeconds(91));
        await codes.PruneAsync(CancellationToken.None);

        (await db.ScalarAsync<long>($"SELECT count(*) FROM access.used_one_time_codes WHERE user_id = '{user}'")).ShouldBe(0);
    }
}

/// <summary>RFC 6238 (and RFC 4226) test vectors, then the verifier: drift of one step, each code once, attempts throttled.</summary>
public sealed class TotpTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    private static readonly byte[] RfcSecret = Encoding.ASCII.GetBytes("12345678901234567890");

    [Theory]
    // RFC 6238 appendix B, SHA-1 column: time (s), T, TOTP.
    [InlineData(59L, 0x1L, "94287082")]
    [InlineData(1111111109L, 0x23523ECL, "07081804")]
    [InlineData(1111111111L, 0x23523EDL, "14050471")]
    [InlineData(1234567890L, 0x273EF07L, "89005924")]
    [InlineData(2000000000L, 0x3F940AAL, "69279037")]
    [InlineData(20000000000L, 0x27BC86AAL, "65353130")]
    public void The_RFC_6238_vectors(long unixTime, long step, string expected)
    {
        Totp.StepAt(DateTimeOffset.FromUnixTimeSeconds(unixTime)).ShouldBe(step);
        Totp.Compute(RfcSecret, step, 8).ShouldBe(expected);
        Totp.Compute(RfcSecret, step).ShouldBe(expected[2..], "six digits are the low six of the same number");
    }

    [Fact]
    public void The_RFC_4226_HOTP_vectors()
    {
        Enumerable.Range(0, 10).Select(counter => Totp.Compute(RfcSecret, counter)).ShouldBe(
            ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]);
    }

    [Fact]
    public async Task A_code_is_accepted_within_one_step_of_drift_and_only_once_on_any_node()
    {
        var clock = new TestClock();
        clock.Set(DateTimeOffset.FromUnixTimeSeconds(1111111111));
        await using var nodeA = db.Services(clock: clock);
        await using var nodeB = db.Services(clock: clock);
        var user = Guid.NewGuid();
        var step = Totp.StepAt(clock.GetUtcNow());
        var current = Totp.Compute(RfcSecret, step);

        (await nodeA.GetRequiredService<TotpVerifier>().VerifyAsync(user, RfcSecret, current, CancellationToken.None)).ShouldBe(TotpResult.Accepted);
        (await nodeB.GetRequiredService<TotpVerifier>().VerifyAsync(user, RfcSecret, current, CancellationToken.None)).ShouldBe(TotpResult.Replayed);

        var next = Totp.Compute(RfcSecret, step + 1);
        (await nodeB.GetRequiredService<TotpVerifier>().VerifyAsync(user, RfcSecret, next, CancellationToken.None))
            .ShouldBe(TotpResult.Accepted, "the authenticator's clock a step ahead");

        clock.Advance(TimeSpan.FromSeconds(2 * Totp.StepSeconds));
        var other = Guid.NewGuid();
        (await nodeA.GetRequiredService<TotpVerifier>().VerifyAsync(other, RfcSecret, current, CancellationToken.None))
            .ShouldBe(TotpResult.Rejected, "two steps old");
        (await nodeA.GetRequiredService<TotpVerifier>().VerifyAsync(other, RfcSecret, "12345", CancellationToken.None)).ShouldBe(TotpResult.Rejected);
        (await nodeA.GetRequiredService<TotpVerifier>().VerifyAsync(other, RfcSecret, "abcdef", CancellationToken.None)).ShouldBe(TotpResult.Rejected);
    }

    [Fact]
    public async Task Guessing_is_throttled_per_user()
    {
        var clock = new TestClock();
        clock.Set(DateTimeOffset.FromUnixTimeSeconds(1234567890));
        await using var services = db.Services(clock: clock);
        var verifier = services.GetRequiredService<TotpVerifier>();
        var user = Guid.NewGuid();
        var right = Totp.Compute(RfcSecret, Totp.StepAt(clock.GetUtcNow()));
        var wrong = right == "000000" ? "000001" : "000000";

        for (var i = 0; i < TotpVerifier.AttemptsPerWindow; i++)
        {
            (await verifier.VerifyAsync(user, RfcSecret, wrong, CancellationToken.None)).ShouldBe(TotpResult.Rejected);
        }

        (await verifier.VerifyAsync(user, RfcSecret, right, CancellationToken.None)).ShouldBe(TotpResult.Throttled, "not even the right code while throttled");
        (await verifier.VerifyAsync(Guid.NewGuid(), RfcSecret, right, CancellationToken.None)).ShouldBe(TotpResult.Accepted, "another user is not throttled");
    }
}
