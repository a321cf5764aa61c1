using System.Net;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Accounts;

/// <summary>
/// Issue 14 item 8: staff sign in through the hospital's OpenID Connect provider (a real one, OpenIddict, started by the
/// test), their roles taken from the provider's groups at each sign-in; a role changed at the provider is applied,
/// audited and dated in the role history like one changed here; a person whose groups give no role is refused.
/// </summary>
public sealed class ProviderSignInTests : IAsyncLifetime
{
    private readonly TestDatabase database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    private static async Task<(HttpStatusCode Status, string Url, string Body)> SignInThroughProviderAsync(HimPortalFactory web)
    {
        using var handler = new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer(), AllowAutoRedirect = true };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(web.ServerAddress) };
        using var response = await HimPortalFactory.PostFormAsync(client, "/Account/Login", "/Account/Login?handler=Provider", []);
        return (response.StatusCode, response.RequestMessage!.RequestUri!.AbsolutePath, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Re_authentication_asks_the_provider_to_sign_the_person_in_again_and_refuses_a_stale_auth_time()
    {
        await using var provider = await TestIdentityProvider.StartAsync();
        await using var web = Configured(new HimPortalFactory(database, kestrel: true), provider);
        provider.Person = new TestIdentityProvider.Account("sub-815", "dr.lee@hospital.example", "Dr Lee", ["physicians"]);
        using var handler = new HttpClientHandler { UseCookies = true, CookieContainer = new CookieContainer(), AllowAutoRedirect = true };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(web.ServerAddress) };
        (await HimPortalFactory.PostFormAsync(client, "/Account/Login", "/Account/Login?handler=Provider", [])).RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/Charts");
        provider.Requests.Last().Prompt.ShouldBeNull();

        // Before signing: the provider is asked to authenticate the person again, now.
        using (var again = await client.GetAsync(new Uri("/Account/Reauthenticate?returnUrl=%2FCharts", UriKind.Relative)))
        {
            again.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/Charts");
        }

        provider.Requests.Last().ShouldBe(("login", 0L));

        // A provider that hands back an old authentication (auth_time an hour ago) does not count.
        provider.Person = provider.Person with { AuthenticatedAgo = TimeSpan.FromHours(1) };
        using var stale = await client.GetAsync(new Uri("/Account/Reauthenticate?returnUrl=%2FCharts", UriKind.Relative));
        (await stale.Content.ReadAsStringAsync()).ShouldContain("did not ask for your credentials again");
    }

    private static HimPortalFactory Configured(HimPortalFactory web, TestIdentityProvider provider)
    {
        web.Settings["Oidc:Authority"] = provider.Authority;
        web.Settings["Oidc:ClientId"] = TestIdentityProvider.ClientId;
        web.Settings["Oidc:ClientSecret"] = TestIdentityProvider.ClientSecret;
        web.Settings["Oidc:RequireHttpsMetadata"] = "false";
        web.Settings["Oidc:GroupRoles:him-clerks"] = "HimClerk";
        web.Settings["Oidc:GroupRoles:physicians"] = "Physician";
        return web;
    }

    [Fact]
    public async Task A_clerk_signs_in_through_the_provider_and_a_role_changed_there_is_applied_audited_and_dated()
    {
        await using var provider = await TestIdentityProvider.StartAsync();
        await using var web = Configured(new HimPortalFactory(database, kestrel: true), provider);
        provider.Person = new TestIdentityProvider.Account("sub-4711", "pat.ng@hospital.example", "Pat Ng", ["him-clerks", "parking"]);

        // The sign-in page offers the provider; its round trip ends signed in at the clerk's home.
        var first = await SignInThroughProviderAsync(web);
        first.Status.ShouldBe(HttpStatusCode.OK);
        first.Url.ShouldBe("/Intake");
        var userId = await database.ScalarAsync<Guid>("SELECT id FROM identity.users WHERE email = 'pat.ng@hospital.example'");
        (await database.ScalarAsync<string>($"SELECT login_provider || ':' || provider_key FROM identity.user_logins WHERE user_id = '{userId}'")).ShouldBe("oidc:sub-4711");
        (await database.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE user_id = '{userId}' AND action = 'login' AND outcome = 'success' AND details = 'identity provider: oidc'"))
            .ShouldBe(1L);

        // Moved to the physicians' group at the provider: noticed at the next sign-in.
        provider.Person = provider.Person with { Groups = ["physicians"] };
        var second = await SignInThroughProviderAsync(web);
        second.Status.ShouldBe(HttpStatusCode.OK);
        second.Url.ShouldBe("/Charts");
        (await database.ScalarAsync<string>(
            $"SELECT details FROM audit.access_events WHERE resource_id = '{userId}' AND purpose = 'roles changed at the identity provider'"))
            .ShouldBe("roles changed from [HimClerk] to [Physician]; sessions ended");
        (await database.ScalarAsync<string>(
            $"SELECT string_agg(array_to_string(roles, ',') || (CASE WHEN valid_to IS NULL THEN ' open' ELSE ' ended' END), ' | ' ORDER BY valid_from) FROM access.user_role_history WHERE user_id = '{userId}'"))
            .ShouldBe("HimClerk ended | Physician open", "the monitoring rules judge each access by the role of its time");

        // Out of every mapped group: refused, and the refusal audited.
        provider.Person = provider.Person with { Groups = ["parking"] };
        var third = await SignInThroughProviderAsync(web);
        third.Body.ShouldContain("no HimPortal role");
        (await database.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE user_id = '{userId}' AND action = 'login-failed' AND purpose LIKE 'identity provider: no HimPortal role%'"))
            .ShouldBe(1L);
    }
}
