using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Application.Accounts.SendPasswordResetLink;
using HimPortal.Tests.Infrastructure;
using MimeKit;

namespace HimPortal.Tests.Accounts;

/// <summary>
/// "Forgot your password?" end to end: the page, the job, the message through a real SMTP server (read back with
/// MimeKit), the link followed, the new password, and the link's single use and expiry.
/// </summary>
public sealed partial class PasswordResetByMailTests(MailWebFixture web) : IClassFixture<MailWebFixture>
{
    private static async Task<HttpResponseMessage> RequestLinkAsync(HttpClient client, string email) =>
        await HimPortalFactory.PostFormAsync(client, "/Account/ForgotPassword", "/Account/ForgotPassword", new() { ["Email"] = email });

    private static string LinkIn(MimeMessage message)
    {
        var link = ResetLink().Match(message.TextBody ?? "").Value;
        link.ShouldNotBeNullOrEmpty();
        return link;
    }

    private static async Task<HttpResponseMessage> SetPasswordAsync(HttpClient client, string link, string password, string? confirm = null)
    {
        var path = new Uri(link).PathAndQuery;
        var form = await client.GetAsync(new Uri(path, UriKind.Relative));
        form.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await form.Content.ReadAsStringAsync();
        return await client.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Token"] = WebUtility.HtmlDecode(TokenField().Match(html).Groups[1].Value),
            ["NewPassword"] = password,
            ["ConfirmPassword"] = confirm ?? password,
            ["__RequestVerificationToken"] = HimPortalFactory.AntiforgeryToken(html),
        }));
    }

    [Fact]
    public async Task A_user_gets_a_link_by_mail_sets_a_new_password_with_it_and_the_link_then_works_no_more()
    {
        var clerk = await Personas.CreateAsync(web.Services, Roles.HimClerk);
        using var signedIn = web.Factory.Browserless();
        await HimPortalFactory.SignInAsync(signedIn, clerk.Email, clerk.Password);
        using var client = web.Factory.Browserless();
        (await client.GetStringAsync(new Uri("/Account/Login", UriKind.Relative))).ShouldContain("Forgot your password?");

        var answer = await RequestLinkAsync(client, clerk.Email.ToUpperInvariant());

        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await answer.Content.ReadAsStringAsync()).ShouldContain("a link to choose a new password is on its way");
        var message = await web.Mail.WaitForAsync(clerk.Email);
        message.Subject.ShouldBe(SendPasswordResetLinkHandler.Subject);
        message.From.Mailboxes.Single().Address.ShouldBe("himportal@test.himportal.example");
        var link = LinkIn(message);
        link.ShouldStartWith("http://localhost/Account/ResetPassword?token=");
        var token = Uri.UnescapeDataString(new Uri(link).Query["?token=".Length..]);
        // Only the token's hash is stored, and the job's row holds the account's id and nothing else.
        (await web.Database.ScalarAsync<long>($"SELECT count(*) FROM identity.password_reset_tokens WHERE user_id = '{clerk.Id}' AND length(token_hash) = 32")).ShouldBe(1);
        (await web.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM identity.password_reset_tokens WHERE position(convert_to('{token}', 'UTF8') IN token_hash) > 0")).ShouldBe(0);
        (await web.Database.ScalarAsync<string>($"SELECT payload::text FROM jobs.jobs WHERE kind = '{SendPasswordResetLinkJob.Kind}' AND payload->>'userId' = '{clerk.Id}'"))
            .ShouldBe($"{{\"userId\": \"{clerk.Id}\"}}");

        // A password the policy refuses leaves the link usable; every problem is named at once.
        var weak = await SetPasswordAsync(client, link, "password123456789", "something else entirely");
        weak.StatusCode.ShouldBe(HttpStatusCode.OK);
        var weakPage = await weak.Content.ReadAsStringAsync();
        weakPage.ShouldContain("The two new passwords are not the same.");

        var set = await SetPasswordAsync(client, link, "heron-quarry-lantern-oboe-7");
        set.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        set.Headers.Location!.OriginalString.ShouldContain("/Account/Login");
        (await client.GetStringAsync(set.Headers.Location)).ShouldContain("Your password was changed.");

        // The reset ended the session that was open, the old password is gone, the new one works.
        (await signedIn.GetAsync(new Uri("/Intake", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        using (var old = web.Factory.Browserless())
        {
            (await (await HimPortalFactory.SignInAsync(old, clerk.Email, clerk.Password)).Content.ReadAsStringAsync())
                .ShouldContain("The e-mail or password is not right, or the account cannot sign in now.");
        }

        using (var fresh = web.Factory.Browserless())
        {
            (await HimPortalFactory.SignInAsync(fresh, clerk.Email, "heron-quarry-lantern-oboe-7")).StatusCode.ShouldBe(HttpStatusCode.Redirect);
            (await fresh.GetAsync(new Uri("/Intake", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // Single use: the same link again sets nothing.
        var again = await SetPasswordAsync(client, link, "another-quite-long-passphrase-9");
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await again.Content.ReadAsStringAsync()).ShouldContain("This link no longer works");
        using (var check = web.Factory.Browserless())
        {
            (await HimPortalFactory.SignInAsync(check, clerk.Email, "another-quite-long-passphrase-9")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // The test clock stands still, so the rows are compared as a set (their time and id say nothing of their order).
        (await web.Database.ScalarAsync<string>(
            $"SELECT string_agg(action || '/' || outcome || '/' || coalesce(purpose, ''), ' | ' ORDER BY action, outcome, purpose) FROM audit.access_events WHERE resource_id = '{clerk.Id}' AND resource_type IN ('PasswordResetLink', 'Password')"))
            .ShouldBe("create/success/reset link requested | create/success/reset link sent by e-mail | update/denied/reset link refused: used | update/success/password reset with an e-mailed link");
        (await web.Database.ScalarAsync<string>($"SELECT end_reason FROM identity.user_sessions WHERE user_id = '{clerk.Id}' ORDER BY created_at LIMIT 1"))
            .ShouldBe("password-reset");
    }

    [Fact]
    public async Task An_unknown_address_gets_the_same_answer_in_no_less_time_and_no_mail()
    {
        var physician = await Personas.CreateAsync(web.Services, Roles.Physician);
        const string unknown = "nobody.here@test.himportal.example";
        using var client = web.Factory.Browserless();

        var (known, knownTime) = await TimedRequestAsync(client, physician.Email);
        var (none, noneTime) = await TimedRequestAsync(client, unknown);

        var knownPage = (await known.Content.ReadAsStringAsync()).Replace(physician.Email, "X", StringComparison.Ordinal);
        var nonePage = (await none.Content.ReadAsStringAsync()).Replace(unknown, "X", StringComparison.Ordinal);
        StripToken(nonePage).ShouldBe(StripToken(knownPage));
        // Both answers wait out the same floor (Accounts:PasswordReset:ResponseTime, 400 ms), whatever each did.
        knownTime.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(400));
        noneTime.ShouldBeGreaterThan(TimeSpan.FromMilliseconds(400));

        await web.Mail.WaitForAsync(physician.Email);
        await Task.Delay(500);
        web.Mail.To(unknown).ShouldBeEmpty();
        (await web.Database.ScalarAsync<string>(
            $"SELECT purpose FROM audit.access_events WHERE resource_type = 'PasswordResetLink' AND user_name = '{unknown}'")).ShouldBe("reset link not sent: no account has this e-mail");
    }

    [Fact]
    public async Task A_link_expires_and_a_newer_link_replaces_an_older_one()
    {
        var manager = await Personas.CreateAsync(web.Services, Roles.HimManager);
        using var client = web.Factory.Browserless();
        await RequestLinkAsync(client, manager.Email);
        var first = LinkIn(await web.Mail.WaitForAsync(manager.Email));
        await RequestLinkAsync(client, manager.Email);
        var second = LinkIn(await web.Mail.WaitForAsync(manager.Email, count: 2));
        second.ShouldNotBe(first);

        var replaced = await SetPasswordAsync(client, first, "velvet-harbor-quince-anvil-3");
        (await replaced.Content.ReadAsStringAsync()).ShouldContain("This link no longer works");

        var started = web.Factory.Clock.GetUtcNow();
        try
        {
            web.Factory.Clock.Advance(TimeSpan.FromMinutes(31));
            var expired = await SetPasswordAsync(client, second, "velvet-harbor-quince-anvil-3");
            (await expired.Content.ReadAsStringAsync()).ShouldContain("This link no longer works");
        }
        finally
        {
            // Later tests' jobs are queued at the test clock's time, which must not be ahead of the database's.
            web.Factory.Clock.Set(started);
        }

        using var check = web.Factory.Browserless();
        (await HimPortalFactory.SignInAsync(check, manager.Email, manager.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await web.Database.ScalarAsync<string>(
            $"SELECT string_agg(purpose, ' | ' ORDER BY occurred_at, id) FROM audit.access_events WHERE resource_id = '{manager.Id}' AND resource_type = 'Password'"))
            .ShouldBe("reset link refused: replaced | reset link refused: expired");
    }

    /// <summary>The POST alone, timed (the form is read first).</summary>
    private static async Task<(HttpResponseMessage Response, TimeSpan Took)> TimedRequestAsync(HttpClient client, string email)
    {
        var form = await client.GetStringAsync(new Uri("/Account/ForgotPassword", UriKind.Relative));
        using var content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = email,
            ["__RequestVerificationToken"] = HimPortalFactory.AntiforgeryToken(form),
        });
        var watch = Stopwatch.StartNew();
        var response = await client.PostAsync(new Uri("/Account/ForgotPassword", UriKind.Relative), content);
        return (response, watch.Elapsed);
    }

    private static string StripToken(string html) => AntiforgeryField().Replace(html, "");

    [GeneratedRegex(@"http://localhost/Account/ResetPassword\?token=[A-Za-z0-9_%-]+")]
    private static partial Regex ResetLink();

    [GeneratedRegex("name=\"Token\" value=\"([^\"]*)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"[^\"]+\"")]
    private static partial Regex AntiforgeryField();
}
