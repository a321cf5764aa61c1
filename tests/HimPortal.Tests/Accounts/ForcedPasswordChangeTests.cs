using System.Net;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

namespace HimPortal.Tests.Accounts;

/// <summary>An administrator-issued password reaches only the change page until the user has chosen their own.</summary>
public sealed class ForcedPasswordChangeTests(WebFixture web) : IClassFixture<WebFixture>
{
    [Fact]
    public async Task An_account_made_by_an_administrator_reaches_only_the_change_page_until_its_user_chooses_a_password()
    {
        var admin = await Personas.CreateAsync(web.Services, Roles.Administrator);
        using var adminClient = web.Factory.Browserless();
        await HimPortalFactory.SignInAsync(adminClient, admin.Email, admin.Password);
        const string issued = "pewter-gondola-saffron-nimbus-2";
        var email = $"new.clerk.{Guid.NewGuid():N}@test.himportal.example";
        (await HimPortalFactory.PostFormAsync(adminClient, "/Administration/Users/Create", "/Administration/Users/Create", new()
        {
            ["Input.Email"] = email, ["Input.DisplayName"] = "New Clerk", ["Input.Roles"] = Roles.HimClerk, ["Input.Password"] = issued,
        })).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using var client = web.Factory.Browserless();
        var signIn = await HimPortalFactory.SignInAsync(client, email, issued);

        signIn.Headers.Location!.OriginalString.ShouldStartWith("/Account/ChangePassword");
        var change = await client.GetStringAsync(new Uri("/Account/ChangePassword", UriKind.Relative));
        change.ShouldContain("Choose your own password");
        foreach (var path in new[] { "/", "/Intake", "/Jobs", "/Intake/Import", "/Charts" })
        {
            var blocked = await client.GetAsync(new Uri(path, UriKind.Relative));
            blocked.StatusCode.ShouldBe(HttpStatusCode.Redirect, path);
            blocked.Headers.Location!.OriginalString.ShouldStartWith("/Account/ChangePassword?returnUrl=", customMessage: path);
        }

        // A form posted elsewhere does nothing either: it is sent to the change page before any page or handler runs.
        var token = HimPortalFactory.AntiforgeryToken(change);
        var post = await client.PostAsync(new Uri("/Jobs/Job?handler=Cancel", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        post.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        post.Headers.Location!.OriginalString.ShouldStartWith("/Account/ChangePassword");

        var changed = await ChangePasswordTests.ChangeAsync(client, issued, "ember-walrus-tapestry-quill-8");

        changed.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await client.GetAsync(new Uri("/Intake", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await web.Database.ScalarAsync<bool>($"SELECT must_change_password FROM identity.users WHERE email = '{email}'")).ShouldBeFalse();
        (await web.Database.ScalarAsync<string>(
            $"SELECT purpose FROM audit.access_events WHERE user_name = '{email}' AND resource_type = 'Password' AND outcome = 'success'"))
            .ShouldBe("issued password replaced by its user");
    }

    [Fact]
    public async Task Sign_out_stays_open_and_a_new_sign_in_is_sent_to_the_change_page_again()
    {
        var admin = await Personas.CreateAsync(web.Services, Roles.Administrator);
        using var adminClient = web.Factory.Browserless();
        await HimPortalFactory.SignInAsync(adminClient, admin.Email, admin.Password);
        var email = $"new.officer.{Guid.NewGuid():N}@test.himportal.example";
        var created = await HimPortalFactory.PostFormAsync(adminClient, "/Administration/Users/Create", "/Administration/Users/Create", new()
        {
            ["Input.Email"] = email, ["Input.Roles"] = Roles.ComplianceOfficer,
        });
        var details = await adminClient.GetStringAsync(created.Headers.Location);
        var generated = System.Text.RegularExpressions.Regex.Match(details, "data-testid=\"generated-password\">([^<]+)<").Groups[1].Value;
        System.Net.WebUtility.HtmlDecode(generated).Length.ShouldBe(20);
        (await adminClient.GetStringAsync(created.Headers.Location)).ShouldNotContain("generated-password");

        using var client = web.Factory.Browserless();
        await HimPortalFactory.SignInAsync(client, email, System.Net.WebUtility.HtmlDecode(generated));
        var signedOut = await HimPortalFactory.PostFormAsync(client, "/Account/ChangePassword", "/Account/Logout", []);
        signedOut.Headers.Location!.OriginalString.ShouldStartWith("/Account/Login");
        (await client.GetAsync(new Uri("/Compliance", UriKind.Relative))).Headers.Location!.OriginalString.ShouldContain("/Account/Login");

        var again = await HimPortalFactory.SignInAsync(client, email, System.Net.WebUtility.HtmlDecode(generated));
        again.Headers.Location!.OriginalString.ShouldStartWith("/Account/ChangePassword");
        (await client.GetAsync(new Uri("/Compliance", UriKind.Relative))).Headers.Location!.OriginalString.ShouldStartWith("/Account/ChangePassword");
    }
}
