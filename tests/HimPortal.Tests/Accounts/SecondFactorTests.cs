using System.Net;
using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Identity;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Accounts;

/// <summary>
/// Issue 14 item 8 (the second factor): administrators and compliance officers must set up an authenticator app before
/// anything else, then sign in with its code after the password; each code is accepted once (stock Identity accepts a
/// code again within its window). Other roles sign in with the password alone unless they enrol.
/// </summary>
public sealed class SecondFactorTests : IAsyncLifetime
{
    private readonly TestDatabase database = new();

    public Task InitializeAsync() => database.InitializeAsync();

    public Task DisposeAsync() => database.DisposeAsync();

    private HimPortalFactory Web()
    {
        var web = new HimPortalFactory(database);
        web.Settings["Identity:TwoFactor:Required"] = "true";
        return web;
    }

    private static string CodeAt(string readableKey, DateTimeOffset at) =>
        Totp.Compute(Authenticator.SecretOf(readableKey.Replace(" ", "", StringComparison.Ordinal)), Totp.StepAt(at));

    private static async Task<HttpResponseMessage> PostCodeAsync(HttpClient client, string page, string code) =>
        await HimPortalFactory.PostFormAsync(client, page, page, new Dictionary<string, string> { ["Code"] = code });

    [Fact]
    public async Task An_administrator_sets_up_the_app_first_then_signs_in_with_a_code_that_works_once()
    {
        await using var web = Web();
        var admin = await Personas.CreateAsync(web.Services, Roles.Administrator);
        using var client = web.Browserless();

        // The password alone: every page leads to the set-up page.
        (await HimPortalFactory.SignInAsync(client, admin.Email, admin.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using (var anywhere = await client.GetAsync(new Uri("/Administration/Users", UriKind.Relative)))
        {
            anywhere.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            anywhere.Headers.Location!.OriginalString.ShouldStartWith("/Account/Authenticator");
        }

        var setUp = await client.GetStringAsync(new Uri("/Account/Authenticator", UriKind.Relative));
        setUp.ShouldContain("data-testid=\"enrol-required\"");
        setUp.ShouldContain("src=\"data:image/png;base64,");
        var key = Regex.Match(setUp, "data-testid=\"authenticator-key\">([a-z2-7 ]+)<").Groups[1].Value;
        key.Length.ShouldBeGreaterThan(20);

        // A wrong code changes nothing; the app's code turns it on and signs the user out.
        (await (await PostCodeAsync(client, "/Account/Authenticator", "000000")).Content.ReadAsStringAsync()).ShouldContain("That code is not right");
        var enrolCode = CodeAt(key, web.Clock.GetUtcNow());
        using (var enrolled = await PostCodeAsync(client, "/Account/Authenticator", enrolCode))
        {
            enrolled.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            enrolled.Headers.Location!.OriginalString.ShouldContain("secondFactorEnrolled=True", Case.Insensitive);
        }

        // Now the password leads to the code page, and no further.
        using var next = web.Browserless();
        using (var password = await HimPortalFactory.SignInAsync(next, admin.Email, admin.Password))
        {
            password.Headers.Location!.OriginalString.ShouldStartWith("/Account/SignInCode");
        }

        (await next.GetAsync(new Uri("/Administration/Users", UriKind.Relative))).Headers.Location!.OriginalString.ShouldContain("/Account/Login");

        // The code used at enrolment, still within its window, is refused: each code works once.
        (await (await PostCodeAsync(next, "/Account/SignInCode", enrolCode)).Content.ReadAsStringAsync()).ShouldContain("used already");

        web.Clock.Advance(TimeSpan.FromSeconds(Totp.StepSeconds));
        var code = CodeAt(key, web.Clock.GetUtcNow());
        using (var signedIn = await PostCodeAsync(next, "/Account/SignInCode", code))
        {
            signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            signedIn.Headers.Location!.OriginalString.ShouldBe("/");
        }

        (await next.GetAsync(new Uri("/Administration/Users", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The same code from another browser with the right password: refused.
        using var replay = web.Browserless();
        await HimPortalFactory.SignInAsync(replay, admin.Email, admin.Password);
        (await (await PostCodeAsync(replay, "/Account/SignInCode", code)).Content.ReadAsStringAsync()).ShouldContain("used already");
        (await replay.GetAsync(new Uri("/Administration/Users", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        (await database.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE user_id = '{admin.Id}' AND action = 'login' AND outcome = 'success' AND details = 'second factor: authenticator code'"))
            .ShouldBe(1L);
        (await database.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE resource_id = '{admin.Id}' AND resource_type = 'SecondFactor' AND outcome = 'success'"))
            .ShouldBe(1L, "the enrolment");
        (await database.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE user_id = '{admin.Id}' AND action = 'login-failed' AND purpose = 'second factor replayed'"))
            .ShouldBe(2L);
    }

    [Fact]
    public async Task A_physician_signs_in_with_the_password_alone()
    {
        await using var web = Web();
        var physician = await Personas.CreateAsync(web.Services, Roles.Physician);
        using var client = web.Browserless();
        (await HimPortalFactory.SignInAsync(client, physician.Email, physician.Password)).Headers.Location!.OriginalString.ShouldBe("/");
        using var home = await client.GetAsync(new Uri("/", UriKind.Relative));
        (home.Headers.Location?.OriginalString ?? "").ShouldNotContain("/Account/");
    }
}
