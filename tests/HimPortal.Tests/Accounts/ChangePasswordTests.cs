using System.Net;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Accounts;

/// <summary>A signed-in user changes their own password: the current one proved, the policy met, other sessions ended.</summary>
public sealed class ChangePasswordTests(WebFixture web) : IClassFixture<WebFixture>
{
    private async Task<HttpClient> SignedInAsync(Persona persona, string? password = null)
    {
        var client = web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(client, persona.Email, password ?? persona.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    internal static Task<HttpResponseMessage> ChangeAsync(HttpClient client, string current, string next, string? confirm = null) =>
        HimPortalFactory.PostFormAsync(client, "/Account/ChangePassword", "/Account/ChangePassword", new()
        {
            ["Input.CurrentPassword"] = current,
            ["Input.NewPassword"] = next,
            ["Input.ConfirmPassword"] = confirm ?? next,
        });

    [Fact]
    public async Task A_user_changes_their_password_this_session_goes_on_and_their_other_sessions_end()
    {
        var specialist = await Personas.CreateAsync(web.Services, Roles.RoiSpecialist);
        using var here = await SignedInAsync(specialist);
        using var elsewhere = await SignedInAsync(specialist);
        (await here.GetStringAsync(new Uri("/Roi", UriKind.Relative))).ShouldContain("Change password");

        var changed = await ChangeAsync(here, specialist.Password, "orchid-tundra-bellows-kayak-5");

        changed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var home = await here.GetAsync(new Uri("/Roi", UriKind.Relative));
        home.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await home.Content.ReadAsStringAsync()).ShouldContain("your 1 other session(s) were signed out");
        (await elsewhere.GetAsync(new Uri("/Roi", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using (var old = web.Factory.Browserless())
        {
            (await HimPortalFactory.SignInAsync(old, specialist.Email, specialist.Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        using (var fresh = await SignedInAsync(specialist, "orchid-tundra-bellows-kayak-5"))
        {
            (await fresh.GetAsync(new Uri("/Roi", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        (await web.Database.ScalarAsync<string>(
            $"SELECT purpose || ' / ' || details FROM audit.access_events WHERE resource_id = '{specialist.Id}' AND resource_type = 'Password' AND outcome = 'success'"))
            .ShouldBe("password changed by its user / other sessions ended: 1");
        // The other browser's session ended with the change; this one went on (and the fresh sign-in above is open too).
        (await web.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM identity.user_sessions WHERE user_id = '{specialist.Id}' AND end_reason = 'password-changed'")).ShouldBe(1);
        (await here.GetAsync(new Uri("/Roi", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_wrong_current_password_and_a_weak_new_one_are_reported_together_and_nothing_changes()
    {
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var client = await SignedInAsync(clerk);

        var refused = await ChangeAsync(client, "not-my-password-at-all", "password123456789", "password12345678");

        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await refused.Content.ReadAsStringAsync();
        page.ShouldContain("The current password is not correct.");
        page.ShouldContain("The two new passwords are not the same.");
        var weak = await ChangeAsync(client, "not-my-password-at-all", "password123456789");
        var weakPage = await weak.Content.ReadAsStringAsync();
        weakPage.ShouldContain("The current password is not correct.");
        weakPage.ShouldContain("too common");
        (await client.GetAsync(new Uri("/Intake", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var again = await SignedInAsync(clerk);
        (await web.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE resource_id = '{clerk.Id}' AND resource_type = 'Password' AND outcome = 'denied' AND purpose LIKE '%wrong current password'"))
            .ShouldBe(2);
    }

    [Fact]
    public async Task Guessing_the_current_password_from_an_open_session_is_throttled()
    {
        var manager = await Personas.CreateAsync(web.Services, Roles.HimManager);
        using var client = await SignedInAsync(manager);
        for (var i = 0; i < 5; i++)
        {
            (await (await ChangeAsync(client, $"guess-number-{i}-of-many", "orchid-tundra-bellows-kayak-5")).Content.ReadAsStringAsync())
                .ShouldContain("The current password is not correct.");
        }

        var throttled = await ChangeAsync(client, manager.Password, "orchid-tundra-bellows-kayak-5");

        (await throttled.Content.ReadAsStringAsync()).ShouldContain("Too many attempts to change the password.");
        using var still = await SignedInAsync(manager);
    }
}
