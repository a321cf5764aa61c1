using System.Net;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Accounts;

public sealed class SignInTests(WebFixture web) : IClassFixture<WebFixture>
{
    private Task<long> AuditCountAsync(string where) =>
        web.Database.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE {where}");

    [Fact]
    public async Task A_correct_password_signs_in_and_is_audited_with_a_server_side_session()
    {
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var client = web.Factory.Browserless();

        var response = await HimPortalFactory.SignInAsync(client, clerk.Email, clerk.Password);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await client.GetAsync(new Uri("/Intake", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await AuditCountAsync($"user_id = '{clerk.Id}' AND action = 'login' AND outcome = 'success'")).ShouldBe(1);
        (await AuditCountAsync($"user_id = '{clerk.Id}' AND action = 'login' AND correlation_id IS NOT NULL AND length(correlation_id) >= 8")).ShouldBe(1);
        (await web.Database.ScalarAsync<long>($"SELECT count(*) FROM identity.user_sessions WHERE user_id = '{clerk.Id}' AND ended_at IS NULL")).ShouldBe(1);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_one_message_and_audited()
    {
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var client = web.Factory.Browserless();

        var response = await HimPortalFactory.SignInAsync(client, clerk.Email, "not-the-password-at-all");
        var unknown = await HimPortalFactory.SignInAsync(client, "nobody@hospital.example", "not-the-password-at-all");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("The e-mail or password is not right, or the account cannot sign in now.");
        (await unknown.Content.ReadAsStringAsync()).ShouldContain("The e-mail or password is not right, or the account cannot sign in now.");
        (await AuditCountAsync($"user_id = '{clerk.Id}' AND action = 'login-failed' AND outcome = 'denied' AND purpose = 'wrong password'")).ShouldBe(1);
        (await AuditCountAsync("user_name = 'nobody@hospital.example' AND action = 'login-failed' AND purpose = 'unknown account'")).ShouldBe(1);
    }

    [Fact]
    public async Task Five_failures_hold_that_client_with_the_one_message_and_lock_nothing()
    {
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var client = web.Factory.Browserless();
        for (var i = 0; i < 5; i++)
        {
            await HimPortalFactory.SignInAsync(client, clerk.Email, "wrong-password-attempt-" + i);
        }

        var response = await HimPortalFactory.SignInAsync(client, clerk.Email, clerk.Password);

        (await response.Content.ReadAsStringAsync()).ShouldContain("The e-mail or password is not right, or the account cannot sign in now.");
        (await AuditCountAsync($"user_id = '{clerk.Id}' AND action = 'login-failed' AND purpose = 'wrong password'")).ShouldBe(5);
        (await AuditCountAsync($"user_id = '{clerk.Id}' AND action = 'login-failed' AND purpose LIKE 'throttled:%'")).ShouldBe(1);
        // Identity's lockout is not what slows the guesser: the account itself stays open (ADR 0022).
        (await web.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM identity.users WHERE id = '{clerk.Id}' AND lockout_end IS NULL AND access_failed_count = 0")).ShouldBe(1);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_so_the_old_cookie_is_worthless()
    {
        var physician = await Personas.CreateAsync(web.Services, Roles.Physician);
        using var client = web.Factory.Browserless();
        await HimPortalFactory.SignInAsync(client, physician.Email, physician.Password);

        var signOut = await HimPortalFactory.PostFormAsync(client, "/Charts", "/Account/Logout", []);

        signOut.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await client.GetAsync(new Uri("/Charts", UriKind.Relative))).Headers.Location!.ToString().ShouldContain("/Account/Login");
        (await AuditCountAsync($"user_id = '{physician.Id}' AND action = 'logout'")).ShouldBe(1);
        (await web.Database.ScalarAsync<long>($"SELECT count(*) FROM identity.user_sessions WHERE user_id = '{physician.Id}' AND end_reason = 'signed-out'")).ShouldBe(1);
    }
}
