using System.Text.RegularExpressions;
using HimPortal.Application.Access.Identity;
using HimPortal.Tests.Infrastructure;
using Microsoft.Playwright;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Browser;

/// <summary>A portal account made the way a patient makes one: the letter, activation, the authenticator.</summary>
public sealed record PortalSignIn(string Email, string Password, byte[] Secret);

/// <summary>
/// The steps every portal journey starts with (issue 19 item 2), in real browsers: a clerk issues the activation letter
/// in the staff app; the patient activates on a phone, enrols the authenticator and signs in with password and code.
/// Each portal page passed is checked with axe-core.
/// </summary>
public static class PortalJourney
{
    /// <summary>The clerk finds the patient by family name, issues the letter and reads the code off the PDF.</summary>
    public static async Task<string> IssueLetterAsync(PortalBrowserFixture fixture, Persona clerk, string family)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(clerk);
        var staffContext = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.StaffUrl });
        var staff = await staffContext.NewPageAsync();
        await staff.GotoAsync("/Account/Login");
        await staff.FillAsync("#email", clerk.Email);
        await staff.FillAsync("#password", clerk.Password);
        await staff.ClickAsync("button[type=submit]");
        await staff.ClickAsync("[data-testid=nav-portal-accounts]");
        await staff.FillAsync("[data-testid=search-name]", family);
        await staff.ClickAsync("[data-testid=search-submit]");
        await staff.ClickAsync("[data-testid=open-portal-patient]");
        await staff.ClickAsync("[data-testid=issue-letter]");
        await Assertions.Expect(staff.Locator("[data-testid=letter-issued]")).ToBeVisibleAsync();
        var href = await staff.GetAttributeAsync("[data-testid=print-letter]", "href");
        var letter = await staff.APIRequest.GetAsync(new Uri(new Uri(staff.Url), href!).ToString());
        string code;
        using (var pdf = PdfDocument.Open(await letter.BodyAsync()))
        {
            var text = string.Join(" ", pdf.GetPages().Select(p => p.Text));
            text.ShouldContain(fixture.PortalUrl + "/Account/Activate");
            code = Regex.Match(text, "[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}").Value;
        }

        await staffContext.CloseAsync();
        code.ShouldNotBeNullOrEmpty();
        return code;
    }

    /// <summary>The patient activates with the letter's code, their birth date and family name, then enrols the authenticator.</summary>
    public static async Task<PortalSignIn> ActivateAndEnrolAsync(PortalBrowserFixture fixture, IPage page, string code, string born, string family)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync(fixture.PortalUrl + "/Account/Login");
        await page.ClickAsync("[data-testid=activate-link]");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.FillAsync("[data-testid=activate-code]", code);
        await page.FillAsync("[data-testid=activate-birth-date]", born);
        await page.FillAsync("[data-testid=activate-family-name]", family);
        await page.ClickAsync("[data-testid=activate-check]");
        await Assertions.Expect(page.Locator("[data-testid=activate-checked]")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);
        var email = $"phone.{Guid.NewGuid():N}@patients.example";
        const string password = "saffron-meadow-beacon-64-quill";
        await page.FillAsync("[data-testid=activate-email]", email);
        await page.FillAsync("[data-testid=activate-password]", password);
        await page.ClickAsync("[data-testid=activate-create]");
        await Assertions.Expect(page.Locator("[data-testid=activated]")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);

        // Signs in with the password; set-up of the second factor comes first.
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("[data-testid=sign-in]");
        await page.GotoAsync(fixture.PortalUrl + "/Account/Authenticator");
        await Assertions.Expect(page.Locator("[data-testid=qr-code]")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);
        var key = (await page.TextContentAsync("[data-testid=authenticator-key]"))!.Replace(" ", "", StringComparison.Ordinal);
        var secret = Authenticator.SecretOf(key);
        await page.FillAsync("[data-testid=enrol-code]", Totp.Compute(secret, Totp.StepAt(fixture.Portal.Clock.GetUtcNow())));
        await page.ClickAsync("[data-testid=enrol]");
        await Assertions.Expect(page.Locator("[data-testid=recovery-codes] li")).ToHaveCountAsync(10);
        await Axe.AssertNoSeriousViolationsAsync(page);
        return new PortalSignIn(email, password, secret);
    }

    /// <summary>Password, then the authenticator's next code (the one used at enrolment is never accepted again).</summary>
    public static async Task SignInWithCodeAsync(PortalBrowserFixture fixture, IPage page, PortalSignIn account)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(account);
        await page.GotoAsync(fixture.PortalUrl + "/Account/Login");
        await page.FillAsync("#email", account.Email);
        await page.FillAsync("#password", account.Password);
        await page.ClickAsync("[data-testid=sign-in]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Account/SignInCode"));
        await Axe.AssertNoSeriousViolationsAsync(page);
        fixture.Portal.Clock.Advance(TimeSpan.FromSeconds(Totp.StepSeconds));
        await page.FillAsync("[data-testid=sign-in-code]", Totp.Compute(account.Secret, Totp.StepAt(fixture.Portal.Clock.GetUtcNow())));
        await page.ClickAsync("[data-testid=submit-code]");
        await Assertions.Expect(page.Locator("[data-testid=portal-home]")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);
    }
}
