using System.Net;
using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Identity;
using HimPortal.Tests.Infrastructure;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Portal;

/// <summary>
/// The walls between the hosts, the portal's headers, rate limits and sessions, the two-step sign-in with recovery codes,
/// password reset by mail, the staff app's portal-account pages (issue 19 items 1 and 2), over HTTP on the real hosts.
/// </summary>
public sealed class PortalAccessTests : IAsyncLifetime
{
    private readonly TestDatabase _database = new();
    private readonly MailServer _mail = new();
    private PortalFactory _portal = null!;
    private HimPortalFactory _staff = null!;

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        _staff = new HimPortalFactory(_database);
        _portal = new PortalFactory(_database);
        foreach (var (key, value) in _mail.Settings())
        {
            _staff.Settings[key] = value;
            _portal.Settings[key] = value;
        }

        _staff.Settings["Accounts:PasswordReset:RequestsPerClientPerHour"] = "1000";
        _portal.Settings["Accounts:PasswordReset:RequestsPerClientPerHour"] = "1000";
        _ = _staff.Server;
        _ = _portal.Server;
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _staff.DisposeAsync();
        await _mail.DisposeAsync();
        await _database.DisposeAsync();
    }

    private static string CodeAt(string readableKey, DateTimeOffset at) =>
        Totp.Compute(Authenticator.SecretOf(readableKey.Replace(" ", "", StringComparison.Ordinal)), Totp.StepAt(at));

    private static async Task<HttpResponseMessage> PostCodeAsync(HttpClient client, string page, string code) =>
        await HimPortalFactory.PostFormAsync(client, page, page, new Dictionary<string, string> { ["Code"] = code });

    [Fact]
    public async Task The_staff_app_refuses_a_patient_account_and_the_portal_a_staff_account_both_audited()
    {
        var patient = await Personas.CreateAsync(_staff.Services, Roles.Patient);
        var clerk = await Personas.CreateAsync(_staff.Services, Roles.HimClerk);

        using var staff = _staff.Browserless();
        var refused = await HimPortalFactory.SignInAsync(staff, patient.Email, patient.Password);
        refused.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("Patients sign in to the patient portal.");
        (refused.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : []).ShouldNotContain(c => c.StartsWith("himportal.session=", StringComparison.Ordinal));
        (await staff.GetAsync(new Uri("/Charts", UriKind.Relative))).Headers.Location!.ToString().ShouldContain("/Account/Login");

        using var portal = _portal.Browserless();
        var staffInPortal = await HimPortalFactory.SignInAsync(portal, clerk.Email, clerk.Password);
        (await staffInPortal.Content.ReadAsStringAsync()).ShouldContain("Hospital staff use the staff application.");

        (await _database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{patient.Id}' AND action = 'login-failed' AND purpose = 'patient account: refused by the staff app'")).ShouldBe(1);
        (await _database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{clerk.Id}' AND action = 'login-failed' AND purpose = 'not a patient account: refused by the patient portal'")).ShouldBe(1);
        // A wrong password for the patient in the staff app gets the usual answer: the host's refusal comes only after the right one.
        (await (await HimPortalFactory.SignInAsync(staff, patient.Email, "not-the-password-at-all")).Content.ReadAsStringAsync())
            .ShouldContain("The e-mail or password is not right");
    }

    [Fact]
    public async Task The_portal_sends_strict_headers()
    {
        using var client = _portal.Browserless();
        var response = await client.GetAsync(new Uri("/Account/Login", UriKind.Relative));

        response.Headers.GetValues("Permissions-Policy").Single().ShouldContain("camera=()");
        response.Headers.GetValues("Cross-Origin-Opener-Policy").Single().ShouldBe("same-origin");
        response.Headers.GetValues("Content-Security-Policy").Single().ShouldContain("script-src 'self'");
        response.Headers.GetValues("X-Frame-Options").Single().ShouldBe("DENY");
        response.Headers.GetValues("Referrer-Policy").Single().ShouldBe("no-referrer");
    }

    [Fact]
    public async Task Too_many_requests_to_sign_in_from_one_address_get_429_and_the_portals_error_page()
    {
        await using var limited = new PortalFactory(_database);
        limited.Settings["Portal:RateLimits:PermitLimit"] = "3";
        using var client = limited.Browserless();
        for (var i = 0; i < 3; i++)
        {
            (await client.GetAsync(new Uri("/Account/Login", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        var refused = await client.GetAsync(new Uri("/Account/Activate", UriKind.Relative));

        refused.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("There were too many tries.");
        // Adding a person from a letter checks a code too: the same limit (before the sign-in it needs).
        (await client.GetAsync(new Uri("/People/Add", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        // Pages outside the group are not limited.
        (await client.GetAsync(new Uri("/", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        limited.Logs.Lines.ShouldContain(l => l.Contains("answered 429", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Fifteen_idle_minutes_end_a_portal_session()
    {
        var patient = await Personas.CreateAsync(_staff.Services, Roles.Patient);
        using var client = _portal.Browserless();
        (await HimPortalFactory.SignInAsync(client, patient.Email, patient.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        _portal.Clock.Advance(TimeSpan.FromMinutes(14));
        (await client.GetAsync(new Uri("/", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);

        _portal.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));

        var after = await client.GetAsync(new Uri("/", UriKind.Relative));
        after.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        after.Headers.Location!.ToString().ShouldContain("/Account/Login");
    }

    [Fact]
    public async Task A_patient_enrols_an_authenticator_a_replayed_code_is_refused_and_a_recovery_code_works_once()
    {
        var patient = await Personas.CreateAsync(_staff.Services, Roles.Patient);
        using var client = _portal.Browserless();
        (await HimPortalFactory.SignInAsync(client, patient.Email, patient.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var setUp = await client.GetStringAsync(new Uri("/Account/Authenticator", UriKind.Relative));
        setUp.ShouldContain("src=\"data:image/png;base64,");
        var key = Regex.Match(setUp, "data-testid=\"authenticator-key\">([a-z2-7 ]+)<").Groups[1].Value;

        var enrolCode = CodeAt(key, _portal.Clock.GetUtcNow());
        var enrolled = await (await PostCodeAsync(client, "/Account/Authenticator", enrolCode)).Content.ReadAsStringAsync();
        enrolled.ShouldContain("data-testid=\"enrolled-now\"");
        var recovery = Regex.Matches(enrolled, "<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>").Select(m => m.Groups[1].Value).ToList();
        recovery.Count.ShouldBe(10);
        (await _database.ScalarAsync<string>($"SELECT value FROM identity.user_tokens WHERE user_id = '{patient.Id}' AND name = 'RecoveryCodeHashes'"))
            .ShouldNotContain(recovery[0]);

        // Signed out by the enrolment; the password now leads to the code page.
        using var next = _portal.Browserless();
        (await HimPortalFactory.SignInAsync(next, patient.Email, patient.Password)).Headers.Location!.OriginalString.ShouldStartWith("/Account/SignInCode");
        (await (await PostCodeAsync(next, "/Account/SignInCode", enrolCode)).Content.ReadAsStringAsync()).ShouldContain("used already");
        using (var withRecovery = await PostCodeAsync(next, "/Account/SignInCode", recovery[3].ToUpperInvariant()))
        {
            withRecovery.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        }

        (await next.GetAsync(new Uri("/", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var again = _portal.Browserless();
        await HimPortalFactory.SignInAsync(again, patient.Email, patient.Password);
        (await (await PostCodeAsync(again, "/Account/SignInCode", recovery[3])).Content.ReadAsStringAsync()).ShouldContain("Each recovery code works once.");
        _portal.Clock.Advance(TimeSpan.FromSeconds(Totp.StepSeconds));
        (await PostCodeAsync(again, "/Account/SignInCode", CodeAt(key, _portal.Clock.GetUtcNow()))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await _database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{patient.Id}' AND action = 'login' AND details = 'second factor: recovery code (9 left)'")).ShouldBe(1);
    }

    [Fact]
    public async Task When_the_portal_requires_a_second_factor_a_patient_without_one_is_sent_to_set_it_up_first()
    {
        await using var strict = new PortalFactory(_database);
        strict.Settings["Identity:TwoFactor:Required"] = "true";
        var patient = await Personas.CreateAsync(_staff.Services, Roles.Patient);
        using var client = strict.Browserless();
        (await HimPortalFactory.SignInAsync(client, patient.Email, patient.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var home = await client.GetAsync(new Uri("/", UriKind.Relative));

        home.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        home.Headers.Location!.OriginalString.ShouldStartWith("/Account/Authenticator");
        (await client.GetStringAsync(new Uri("/Account/Authenticator", UriKind.Relative))).ShouldContain("data-testid=\"enrol-required\"");

        await _database.ExecuteAsync("UPDATE portal.settings SET second_factor = 'optional'");
        try
        {
            using var relaxed = strict.Browserless();
            await HimPortalFactory.SignInAsync(relaxed, patient.Email, patient.Password);
            (await relaxed.GetAsync(new Uri("/", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        finally
        {
            await _database.ExecuteAsync("UPDATE portal.settings SET second_factor = 'required'");
        }
    }

    [Fact]
    public async Task A_patient_resets_the_password_by_mail_through_the_portal()
    {
        var patient = await Personas.CreateAsync(_staff.Services, Roles.Patient);
        using var client = _portal.Browserless();
        var sent = await HimPortalFactory.PostFormAsync(client, "/Account/ForgotPassword", "/Account/ForgotPassword", new() { ["Email"] = patient.Email });
        (await sent.Content.ReadAsStringAsync()).ShouldContain("data-testid=\"reset-sent\"");

        // The staff app runs the mail job; the link names the portal's address.
        var message = await _mail.WaitForAsync(patient.Email);
        var link = Regex.Match(message.TextBody ?? "", @"http://portal\.test\.himportal\.example/Account/ResetPassword\?token=\S+").Value;
        link.ShouldNotBeEmpty(message.TextBody);
        var path = new Uri(link).PathAndQuery;
        var token = Uri.UnescapeDataString(path[(path.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        const string fresh = "copper-willow-anthem-42-harbor";
        var reset = await HimPortalFactory.PostFormAsync(client, path, "/Account/ResetPassword", new()
        {
            ["Token"] = token, ["NewPassword"] = fresh, ["ConfirmPassword"] = fresh,
        });
        reset.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        reset.Headers.Location!.OriginalString.ShouldContain("/Account/Login");

        using var signIn = _portal.Browserless();
        (await HimPortalFactory.SignInAsync(signIn, patient.Email, fresh)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await signIn.GetAsync(new Uri("/", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_clerk_issues_a_letter_in_the_staff_app_and_the_patient_activates_in_the_portal()
    {
        await ClinicalData.ImportAsync(_database, ClinicalData.Smallest);
        var patientId = await ClinicalData.PatientIdAsync(_database, ClinicalData.Smallest);
        var (born, family) = await DemographicsAsync(patientId);
        var clerk = await Personas.CreateAsync(_staff.Services, Roles.HimClerk);
        using var staff = _staff.Browserless();
        await HimPortalFactory.SignInAsync(staff, clerk.Email, clerk.Password);
        (await staff.GetStringAsync(new Uri($"/PortalAccounts?name={Uri.EscapeDataString(family)}", UriKind.Relative))).ShouldContain($"/PortalAccounts/Patient/{patientId}");

        var issued = await HimPortalFactory.PostFormAsync(staff, $"/PortalAccounts/Patient/{patientId}", $"/PortalAccounts/Patient/{patientId}", []);
        issued.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var page = await staff.GetStringAsync(issued.Headers.Location!);
        var letterLink = WebUtility.HtmlDecode(Regex.Match(page, "href=\"([^\"]+)\" data-testid=\"print-letter\"").Groups[1].Value);
        var pdf = await staff.GetByteArrayAsync(new Uri($"/PortalAccounts/Patient/{patientId}" + letterLink, UriKind.Relative));
        string code;
        using (var document = PdfDocument.Open(pdf))
        {
            code = Regex.Match(string.Join(" ", document.GetPages().Select(p => p.Text)), "[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}").Value;
        }

        code.Length.ShouldBe(14);
        using var portal = _portal.Browserless();
        var born8601 = born.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var checkedPage = await (await HimPortalFactory.PostFormAsync(portal, "/Account/Activate", "/Account/Activate", new()
        {
            ["Input.Code"] = code, ["Input.BirthDate"] = born8601, ["Input.FamilyName"] = family,
        })).Content.ReadAsStringAsync();
        checkedPage.ShouldContain("data-testid=\"activate-checked\"");
        var email = $"smallest.{Guid.NewGuid():N}@patients.example";
        const string password = "violet-harbor-quorum-19-lantern";
        var created = await HimPortalFactory.PostFormAsync(portal, "/Account/Activate", "/Account/Activate", new()
        {
            ["Input.Code"] = code, ["Input.BirthDate"] = born8601, ["Input.FamilyName"] = family, ["Input.Email"] = email, ["Input.Password"] = password,
        });
        created.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        created.Headers.Location!.OriginalString.ShouldContain("activated=True", Case.Insensitive);

        (await HimPortalFactory.SignInAsync(portal, email, password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await portal.GetAsync(new Uri("/", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await staff.GetStringAsync(new Uri($"/PortalAccounts/Patient/{patientId}", UriKind.Relative))).ShouldContain("data-testid=\"letter-state\">used<");
    }

    [Fact]
    public async Task The_portal_account_pages_are_open_to_HIM_staff_and_the_settings_to_the_HIM_manager_only()
    {
        await ClinicalData.ImportAsync(_database, ClinicalData.Smallest);
        var patientId = await ClinicalData.PatientIdAsync(_database, ClinicalData.Smallest);
        foreach (var role in Personas.StaffRoles)
        {
            var persona = await Personas.CreateAsync(_staff.Services, role);
            using var client = _staff.Browserless();
            await HimPortalFactory.SignInAsync(client, persona.Email, persona.Password);
            foreach (var (page, permission) in new[]
                     {
                         ("/PortalAccounts", Permissions.PortalEnrol), ($"/PortalAccounts/Patient/{patientId}", Permissions.PortalEnrol),
                         ("/PortalAccounts/Settings", Permissions.PortalConfigure),
                     })
            {
                var response = await client.GetAsync(new Uri(page, UriKind.Relative));
                if (RolePermissions.Grants([role], permission))
                {
                    response.StatusCode.ShouldBe(HttpStatusCode.OK, $"{role} {page}");
                }
                else
                {
                    response.StatusCode.ShouldBe(HttpStatusCode.Redirect, $"{role} {page}");
                    response.Headers.Location!.ToString().ShouldContain("/Account/AccessDenied");
                }
            }
        }

        // An unknown patient's letters: not found.
        var manager = await Personas.CreateAsync(_staff.Services, Roles.HimManager);
        using var him = _staff.Browserless();
        await HimPortalFactory.SignInAsync(him, manager.Email, manager.Password);
        (await him.GetAsync(new Uri($"/PortalAccounts/Patient/{Guid.NewGuid()}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_HIM_manager_saves_the_portal_settings_checked_and_audited()
    {
        var manager = await Personas.CreateAsync(_staff.Services, Roles.HimManager);
        using var client = _staff.Browserless();
        await HimPortalFactory.SignInAsync(client, manager.Email, manager.Password);
        var form = await client.GetStringAsync(new Uri("/PortalAccounts/Settings", UriKind.Relative));
        var version = Regex.Match(form, "name=\"Input.Version\" value=\"(\\d+)\"").Groups[1].Value;
        Dictionary<string, string> Fields(string days) => new()
        {
            ["Input.ActivationCodeDays"] = days, ["Input.ActivationMaxAttempts"] = "4", ["Input.SecondFactor"] = "optional",
            ["Input.ShowStaffNames"] = "false", ["Input.ProxyEndsAtAge"] = "18", ["Input.HideMinorConsentedCareFromProxy"] = "true",
            ["Input.AmendmentDueDays"] = "60", ["Input.AmendmentExtensionDays"] = "30", ["Input.Version"] = version,
        };

        var invalid = await HimPortalFactory.PostFormAsync(client, "/PortalAccounts/Settings", "/PortalAccounts/Settings", Fields("400"));
        (await invalid.Content.ReadAsStringAsync()).ShouldContain("An activation code lasts from 1 to 365 days.");

        var saved = await HimPortalFactory.PostFormAsync(client, "/PortalAccounts/Settings", "/PortalAccounts/Settings", Fields("14"));
        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await _database.ScalarAsync<int>("SELECT activation_code_days FROM portal.settings")).ShouldBe(14);
        (await _database.ScalarAsync<string>("SELECT second_factor FROM portal.settings")).ShouldBe("optional");

        // The version shown before the save is stale now: the second save is refused, nothing changes.
        var stale = await HimPortalFactory.PostFormAsync(client, "/PortalAccounts/Settings", "/PortalAccounts/Settings", Fields("20"));
        (await stale.Content.ReadAsStringAsync()).ShouldContain("Someone changed the portal settings");
        (await _database.ScalarAsync<int>("SELECT activation_code_days FROM portal.settings")).ShouldBe(14);
        (await _database.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE user_id = '{manager.Id}' AND details LIKE 'portal.settings; activation-code-days=14%'")).ShouldBe(1);
        await _database.ExecuteAsync("UPDATE portal.settings SET activation_code_days = 30, activation_max_attempts = 5, second_factor = 'required', show_staff_names = true");
    }

    private async Task<(DateOnly Born, string Family)> DemographicsAsync(Guid patientId) =>
        (DateOnly.FromDateTime(await _database.ScalarAsync<DateTime>($"SELECT birth_date::timestamp FROM clinical.patients WHERE id = '{patientId}'")),
            await _database.ScalarAsync<string>($"SELECT family_name FROM clinical.patients WHERE id = '{patientId}'"));
}
