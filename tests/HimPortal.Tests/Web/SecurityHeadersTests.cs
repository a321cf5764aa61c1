using System.Net;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Web;

/// <summary>
/// The browser-side protections every page carries: no script from anywhere but the app, no framing, no sniffing, no
/// referrer, pages never stored by a browser or proxy; the session cookie out of scripts' and other sites' reach.
/// </summary>
public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private readonly TestDatabase database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    [Fact]
    public async Task Pages_carry_the_security_headers_and_the_session_cookie_is_http_only_and_same_site_strict()
    {
        await using var web = new HimPortalFactory(database);
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var client = web.Browserless();

        using var login = await client.GetAsync(new Uri("/Account/Login", UriKind.Relative));
        login.StatusCode.ShouldBe(HttpStatusCode.OK);
        var csp = string.Join(" ", login.Headers.GetValues("Content-Security-Policy"));
        csp.ShouldContain("default-src 'self'");
        csp.ShouldContain("script-src 'self'");
        csp.ShouldContain("frame-ancestors 'none'");
        csp.ShouldContain("object-src 'none'");
        csp.ShouldContain("base-uri 'none'");
        csp.ShouldNotContain("unsafe-inline");
        csp.ShouldNotContain("unsafe-eval");
        login.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        login.Headers.GetValues("X-Frame-Options").ShouldBe(["DENY"]);
        login.Headers.GetValues("Referrer-Policy").ShouldBe(["no-referrer"]);
        login.Headers.CacheControl!.NoStore.ShouldBeTrue();

        using var signIn = await HimPortalFactory.SignInAsync(client, clerk.Email, clerk.Password);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("himportal.session=", StringComparison.Ordinal));
        cookie.ShouldContain("httponly", Case.Insensitive);
        cookie.ShouldContain("samesite=strict", Case.Insensitive);
    }

    [Fact]
    public async Task Behind_tls_the_session_cookie_is_secure_and_hsts_is_sent()
    {
        await using var web = new HimPortalFactory(database);
        web.Settings["Security:RequireHttps"] = "true";
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var client = web.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions
        {
            // Not localhost: HSTS is never sent to localhost.
            BaseAddress = new Uri("https://himportal.test"),
            AllowAutoRedirect = false,
            HandleCookies = true,
        });
        using var signIn = await HimPortalFactory.SignInAsync(client, clerk.Email, clerk.Password);
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("himportal.session=", StringComparison.Ordinal))
            .ShouldContain("secure", Case.Insensitive);
        var hsts = string.Join(" ", signIn.Headers.GetValues("Strict-Transport-Security"));
        hsts.ShouldContain("max-age=31536000");
        hsts.ShouldContain("includeSubDomains");
    }
}
