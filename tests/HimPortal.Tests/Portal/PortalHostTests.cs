using System.Net;
using System.Security.Claims;
using HimPortal.Application.Access;
using HimPortal.Data.Identity;
using HimPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HimPortal.Tests.Portal;

/// <summary>The portal is a host of its own (issue 19 item 1): its own cookie, patients only, no staff page.</summary>
public sealed class PortalHostTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private PortalFactory _portal = null!;
    private HimPortalFactory _staff = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _portal = new PortalFactory(_database);
        _staff = new HimPortalFactory(_database);
        _ = _staff.Server;
        _ = _portal.Server;
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _staff.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Every_page_but_sign_in_needs_a_patient_session()
    {
        using var client = _portal.Browserless();
        var home = await client.GetAsync(new Uri("/", UriKind.Relative));
        home.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        home.Headers.Location!.ToString().ShouldStartWith("http://localhost/Account/Login");
        (await client.GetAsync(new Uri("/Account/Login", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_patient_signs_in_with_the_portal_cookie_and_no_staff_page_exists_here()
    {
        var patient = await Personas.CreateAsync(_staff.Services, Roles.Patient);
        using var client = _portal.Browserless();
        var signIn = await HimPortalFactory.SignInAsync(client, patient.Email, patient.Password);
        signIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        signIn.Headers.GetValues("Set-Cookie").ShouldContain(c => c.StartsWith("himportal.portal=", StringComparison.Ordinal));
        (await client.GetStringAsync(new Uri("/", UriKind.Relative))).ShouldContain("data-testid=\"portal-home\"");
        foreach (var staffPage in new[] { "/Roi", "/Charts", "/Administration/Users", "/Compliance", "/Completion/Inbox", "/Jobs" })
        {
            (await client.GetAsync(new Uri(staffPage, UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound, staffPage);
        }
    }

    [Fact]
    public async Task A_staff_account_gets_no_usable_session_in_the_portal()
    {
        var clerk = await Personas.CreateAsync(_staff.Services, Roles.HimClerk);
        using var client = _portal.Browserless();
        var refused = await HimPortalFactory.SignInAsync(client, clerk.Email, clerk.Password);
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("Hospital staff use the staff application.");
        (await client.GetAsync(new Uri("/", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task A_staff_cookie_opens_nothing_in_the_portal()
    {
        var clerk = await Personas.CreateAsync(_staff.Services, Roles.HimClerk);
        using var staff = _staff.Browserless();
        var signIn = await HimPortalFactory.SignInAsync(staff, clerk.Email, clerk.Password);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("himportal.session=", StringComparison.Ordinal)).Split(';')[0];
        using var portal = _portal.Browserless();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        // The staff cookie's value under the portal's cookie name: another data-protection purpose, so it does not decrypt.
        request.Headers.Add("Cookie", "himportal.portal=" + cookie["himportal.session=".Length..]);
        var response = await portal.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldContain("/Account/Login");
    }

    [Fact]
    public async Task A_patient_session_already_open_in_the_staff_app_is_ended_server_side_refused_and_audited()
    {
        var patient = await Personas.CreateAsync(_staff.Services, Roles.Patient);
        var (cookie, session) = await StaffSessionAsync(patient.Id);
        (await _database.ScalarAsync<long>($"SELECT count(*) FROM identity.user_sessions WHERE id = '{session}' AND ended_at IS NULL")).ShouldBe(1);

        using var client = _staff.Browserless();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", cookie);
        var refused = await client.SendAsync(request);
        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await refused.Content.ReadAsStringAsync()).ShouldNotContain("data-testid=\"nav-");
        // The cookie is cleared in the browser and the session gone on the server: the same cookie sent again opens nothing.
        refused.Headers.GetValues("Set-Cookie").ShouldContain(c => c.StartsWith("himportal.session=;", StringComparison.Ordinal));
        (await _database.ScalarAsync<string>($"SELECT end_reason FROM identity.user_sessions WHERE id = '{session}' AND ended_at IS NOT NULL")).ShouldBe("wrong-host");
        (await _database.ScalarAsync<long>($"""
            SELECT count(*) FROM audit.access_events WHERE user_id = '{patient.Id}' AND action = 'logout' AND resource_type = 'Session' AND purpose = 'wrong-host'
            """)).ShouldBe(1);
        using var again = new HttpRequestMessage(HttpMethod.Get, "/");
        again.Headers.Add("Cookie", cookie);
        var replay = await client.SendAsync(again);
        replay.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        replay.Headers.Location!.ToString().ShouldContain("/Account/Login");
    }

    /// <summary>
    /// A staff-app session of <paramref name="userId"/>, as the staff app's cookie handler issues one (a session in
    /// PostgreSQL, the cookie carrying only its id, protected with the staff app's keys): what a patient account holds
    /// when it signed in before sign-in refused patients, or what a sign-in bug would hand out.
    /// </summary>
    private async Task<(string Cookie, Guid Session)> StaffSessionAsync(Guid userId)
    {
        await using var scope = _staff.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var options = services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        var user = (await services.GetRequiredService<UserManager<HimUser>>().FindByIdAsync(userId.ToString()))!;
        var principal = await services.GetRequiredService<IUserClaimsPrincipalFactory<HimUser>>().CreateAsync(user);
        principal.IsInRole(Roles.Patient).ShouldBeTrue();
        var now = DateTimeOffset.UtcNow;
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now.AddHours(1) };
        var key = await options.SessionStore!.StoreAsync(new AuthenticationTicket(principal, properties, IdentityConstants.ApplicationScheme));
        var carried = new ClaimsPrincipal(new ClaimsIdentity([new Claim("Microsoft.AspNetCore.Authentication.Cookies-SessionId", key)], options.ClaimsIssuer));
        var value = options.TicketDataFormat.Protect(new AuthenticationTicket(carried, properties, IdentityConstants.ApplicationScheme));
        return ($"{options.Cookie.Name}={value}", Guid.ParseExact(key, "N"));
    }
}
