using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Web;

/// <summary>
/// The audited client address is the one that connected, unless the connection comes from a proxy named in
/// Security:TrustedProxies: a local process cannot write an address of its choosing into the audit with X-Forwarded-For.
/// </summary>
public sealed class ForwardedHeadersTests : IAsyncLifetime
{
    private readonly TestDatabase database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task X_forwarded_for_from_an_untrusted_client_is_ignored_and_from_a_trusted_proxy_is_believed()
    {
        (await SignInThroughAsync(trustLoopback: false)).ShouldBe("127.0.0.1");
        (await SignInThroughAsync(trustLoopback: true)).ShouldBe("203.0.113.9");
    }

    /// <summary>Signs a clerk in over a real socket from 127.0.0.1, claiming to be 203.0.113.9; returns the audited address.</summary>
    private async Task<string> SignInThroughAsync(bool trustLoopback)
    {
        await using var web = new HimPortalFactory(database, kestrel: true);
        if (trustLoopback)
        {
            web.Settings["Security:TrustedProxies:0"] = "127.0.0.1";
        }

        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var handler = new HttpClientHandler { UseCookies = true, AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(web.ServerAddress) };
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.9");
        (await HimPortalFactory.SignInAsync(client, clerk.Email, clerk.Password)).StatusCode.ShouldBe(System.Net.HttpStatusCode.Redirect);
        return await database.ScalarAsync<string>(
            $"SELECT client_ip FROM audit.access_events WHERE user_id = '{clerk.Id}' AND action = 'login' ORDER BY occurred_at DESC LIMIT 1");
    }
}
