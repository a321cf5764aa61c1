using System.Net;
using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Application.Administration.Users.CreateUser;
using HimPortal.Application.Common;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace HimPortal.Tests.Administration;

/// <summary>
/// The administrator's account pages: every mistake of a form at once, roles by their display names, a lock that asks
/// for confirmation and a reason, and a password reset that issues a one-time password.
/// </summary>
public sealed partial class UserAdministrationTests(WebFixture web) : IClassFixture<WebFixture>
{
    private async Task<HttpClient> AdministratorAsync()
    {
        var admin = await Personas.CreateAsync(web.Services, Roles.Administrator);
        var client = web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(client, admin.Email, admin.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return client;
    }

    private static async Task<string> StampAsync(HttpClient client, Guid id) =>
        StampField().Match(await client.GetStringAsync(new Uri($"/Administration/Users/Details?id={id}", UriKind.Relative))).Groups[1].Value;

    [Fact]
    public async Task The_create_form_reports_every_mistake_at_once_and_creates_nothing()
    {
        using var client = await AdministratorAsync();
        var taken = await Personas.CreateAsync(web.Services, Roles.Physician, npi: "1234567893");
        var before = await web.Database.ScalarAsync<long>("SELECT count(*) FROM identity.users");

        var refused = await HimPortalFactory.PostFormAsync(client, "/Administration/Users/Create", "/Administration/Users/Create", new()
        {
            ["Input.Email"] = "not-an-address",
            ["Input.PractitionerNpi"] = "12345",
            ["Input.Password"] = "password123456789",
            ["Profile.PostalCode"] = "01103; DROP",
        });

        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await refused.Content.ReadAsStringAsync();
        var summary = Summary().Match(page).Value;
        summary.ShouldContain("&#x27;not-an-address&#x27; is not an e-mail address.");
        summary.ShouldContain("Give at least one role.");
        summary.ShouldContain("An NPI is exactly ten digits.");
        summary.ShouldContain("too common");
        summary.ShouldContain("A postal code has letters, digits, spaces and hyphens only");
        (await web.Database.ScalarAsync<long>("SELECT count(*) FROM identity.users")).ShouldBe(before);

        // A taken address and a taken NPI, with a mistake beside them: all three in one answer.
        var duplicates = await HimPortalFactory.PostFormAsync(client, "/Administration/Users/Create", "/Administration/Users/Create", new()
        {
            ["Input.Email"] = taken.Email, ["Input.Roles"] = Roles.Physician, ["Input.PractitionerNpi"] = "1234567893", ["Input.Password"] = "short",
        });
        var duplicatePage = Summary().Match(await duplicates.Content.ReadAsStringAsync()).Value;
        duplicatePage.ShouldContain("already exists");
        duplicatePage.ShouldContain("Another account is already linked to NPI 1234567893.");
        duplicatePage.ShouldContain("at least 15 characters");
        (await web.Database.ScalarAsync<long>("SELECT count(*) FROM identity.users")).ShouldBe(before);
    }

    [Fact]
    public async Task The_handler_returns_every_problem_each_beside_its_field()
    {
        await using var scope = web.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<Application.Audit.ActorScope>().RunAs(Personas.ConsoleOperator);
        var result = await scope.ServiceProvider.GetRequiredService<CreateUserHandler>().HandleAsync(
            new CreateUserCommand("", null, ["Nurse"], "12", "short"), CancellationToken.None);

        var error = result.Error.ShouldNotBeNull();
        error.Kind.ShouldBe(ErrorKind.Invalid);
        error.Problems.Select(p => p.Field).ShouldBe(["Email", "Roles", "PractitionerNpi", "PractitionerNpi", "Password"], ignoreOrder: true);
        error.Field.ShouldBe("Email");
        error.Message.ShouldContain("Enter the user's e-mail address.");
        error.Message.ShouldContain("Unknown role 'Nurse'");
        error.Message.ShouldContain("at least 15 characters");
    }

    [Fact]
    public async Task Roles_show_by_their_display_names_while_the_form_posts_the_internal_ones()
    {
        using var client = await AdministratorAsync();
        var manager = await Personas.CreateAsync(web.Services, Roles.HimManager);
        var specialist = await Personas.CreateAsync(web.Services, Roles.RoiSpecialist);

        var list = await client.GetStringAsync(new Uri("/Administration/Users", UriKind.Relative));
        list.ShouldContain(">HIM manager</span>");
        list.ShouldContain(">Release-of-information specialist</span>");
        list.ShouldNotContain(">HimManager<");
        list.ShouldNotContain(">RoiSpecialist<");
        var details = await client.GetStringAsync(new Uri($"/Administration/Users/Details?id={manager.Id}", UriKind.Relative));
        details.ShouldContain("value=\"HimManager\" checked=\"checked\" /> HIM manager</label>");
        details.ShouldContain("value=\"ComplianceOfficer\" /> Compliance officer</label>");
        (await client.GetStringAsync(new Uri("/Administration/Users/Create", UriKind.Relative))).ShouldContain("/> HIM clerk</label>");

        using var own = web.Factory.Browserless();
        await HimPortalFactory.SignInAsync(own, specialist.Email, specialist.Password);
        (await own.GetStringAsync(new Uri("/Roi", UriKind.Relative))).ShouldContain("data-testid=\"signed-in-roles\">Release-of-information specialist</span>");

        Roles.Normalize("HIM manager").ShouldBe(Roles.HimManager);
        Roles.Normalize("release-of-information specialist").ShouldBe(Roles.RoiSpecialist);
        Roles.DisplayName(Roles.ComplianceOfficer).ShouldBe("Compliance officer");
        Roles.All.Select(Roles.DisplayName).ShouldBeUnique();
    }

    [Fact]
    public async Task Locking_asks_for_a_confirmation_and_a_reason_which_the_audit_keeps()
    {
        using var client = await AdministratorAsync();
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var clerkClient = web.Factory.Browserless();
        await HimPortalFactory.SignInAsync(clerkClient, clerk.Email, clerk.Password);

        // The account's page only leads to the confirmation; the confirmation names the account and its open sessions.
        var details = await client.GetStringAsync(new Uri($"/Administration/Users/Details?id={clerk.Id}", UriKind.Relative));
        details.ShouldContain($"href=\"/Administration/Users/Lock?id={clerk.Id}\"");
        details.ShouldNotContain("handler=Lock");
        var confirm = await client.GetStringAsync(new Uri($"/Administration/Users/Lock?id={clerk.Id}", UriKind.Relative));
        confirm.ShouldContain("Lock the account of Test HimClerk?");
        confirm.ShouldContain("ends their 1 open session(s) now");
        var stamp = StampField().Match(confirm).Groups[1].Value;

        var noReason = await HimPortalFactory.PostFormAsync(client, $"/Administration/Users/Lock?id={clerk.Id}", $"/Administration/Users/Lock?id={clerk.Id}",
            new() { ["id"] = clerk.Id.ToString(), ["stamp"] = stamp, ["Reason"] = " " });
        noReason.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await noReason.Content.ReadAsStringAsync()).ShouldContain("Give the reason for locking the account");
        (await clerkClient.GetAsync(new Uri("/Intake", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var locked = await HimPortalFactory.PostFormAsync(client, $"/Administration/Users/Lock?id={clerk.Id}", $"/Administration/Users/Lock?id={clerk.Id}",
            new() { ["id"] = clerk.Id.ToString(), ["stamp"] = stamp, ["Reason"] = "Left the hospital on Friday" });

        locked.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await client.GetStringAsync(locked.Headers.Location)).ShouldContain("Account locked; its sessions were ended.");
        (await clerkClient.GetAsync(new Uri("/Intake", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await web.Database.ScalarAsync<string>(
            $"SELECT purpose || ' / ' || details FROM audit.access_events WHERE resource_id = '{clerk.Id}' AND details = 'account locked; sessions ended'"))
            .ShouldBe("reason: Left the hospital on Friday / account locked; sessions ended");

        var unlocked = await HimPortalFactory.PostFormAsync(client, $"/Administration/Users/Details?id={clerk.Id}", "/Administration/Users/Details?handler=Unlock",
            new() { ["id"] = clerk.Id.ToString(), ["stamp"] = await StampAsync(client, clerk.Id), ["reason"] = "Came back" });
        unlocked.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await web.Database.ScalarAsync<string>(
            $"SELECT purpose FROM audit.access_events WHERE resource_id = '{clerk.Id}' AND details = 'account unlocked'")).ShouldBe("reason: Came back");
    }

    [Fact]
    public async Task An_administrator_resets_a_password_to_a_one_time_one_the_user_must_replace()
    {
        using var client = await AdministratorAsync();
        var physician = await Personas.CreateAsync(web.Services, Roles.Physician);
        using var physicianClient = web.Factory.Browserless();
        await HimPortalFactory.SignInAsync(physicianClient, physician.Email, physician.Password);

        var reset = await HimPortalFactory.PostFormAsync(client, $"/Administration/Users/Details?id={physician.Id}",
            "/Administration/Users/Details?handler=ResetPassword", new() { ["id"] = physician.Id.ToString(), ["stamp"] = await StampAsync(client, physician.Id) });

        reset.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var shown = await client.GetStringAsync(reset.Headers.Location);
        shown.ShouldContain("Password reset; 1 open session(s) ended.");
        shown.ShouldContain("to be changed at the next sign-in");
        var oneTime = WebUtility.HtmlDecode(Generated().Match(shown).Groups[1].Value);
        oneTime.Length.ShouldBe(20);
        (await client.GetStringAsync(reset.Headers.Location)).ShouldNotContain(oneTime);
        (await physicianClient.GetAsync(new Uri("/Charts", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        using var user = web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(user, physician.Email, physician.Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var signIn = await HimPortalFactory.SignInAsync(user, physician.Email, oneTime);
        signIn.Headers.Location!.OriginalString.ShouldStartWith("/Account/ChangePassword");
        (await user.GetAsync(new Uri("/Charts", UriKind.Relative))).Headers.Location!.OriginalString.ShouldStartWith("/Account/ChangePassword");
        (await web.Database.ScalarAsync<string>($"SELECT details FROM audit.access_events WHERE resource_id = '{physician.Id}' AND details LIKE 'password reset%'"))
            .ShouldBe("password reset by an administrator: one-time password issued, change required at next sign-in; sessions ended: 1");
    }

    [Fact]
    public async Task An_administrator_cannot_reset_or_lock_their_own_account_from_its_page()
    {
        var admin = await Personas.CreateAsync(web.Services, Roles.Administrator);
        using var client = web.Factory.Browserless();
        await HimPortalFactory.SignInAsync(client, admin.Email, admin.Password);
        var own = await client.GetStringAsync(new Uri($"/Administration/Users/Details?id={admin.Id}", UriKind.Relative));
        own.ShouldNotContain("handler=ResetPassword");
        own.ShouldNotContain("/Administration/Users/Lock?id=");

        var refused = await HimPortalFactory.PostFormAsync(client, $"/Administration/Users/Details?id={admin.Id}",
            "/Administration/Users/Details?handler=ResetPassword", new() { ["id"] = admin.Id.ToString(), ["stamp"] = await StampAsync(client, admin.Id) });

        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("You cannot reset your own password here");
        (await HimPortalFactory.SignInAsync(web.Factory.Browserless(), admin.Email, admin.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [GeneratedRegex("name=\"stamp\" value=\"([^\"]+)\"")]
    private static partial Regex StampField();

    [GeneratedRegex("data-testid=\"generated-password\">([^<]+)<")]
    private static partial Regex Generated();

    [GeneratedRegex("<div class=\"error validation-summary-errors\"[^>]*>.*?</div>", RegexOptions.Singleline)]
    private static partial Regex Summary();
}
