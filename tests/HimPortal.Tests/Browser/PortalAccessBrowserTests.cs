using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Application.Access.Identity;
using HimPortal.Tests.Infrastructure;
using Microsoft.Playwright;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Browser;

/// <summary>
/// The portal's access pages at phone size, checked with axe-core (issue 19, items 2 and 9): a clerk issues the letter in
/// the staff app, the patient activates in the portal, enrols the authenticator, signs out and signs in with password and code.
/// </summary>
public sealed class PortalAccessBrowserTests(PortalBrowserFixture fixture) : IClassFixture<PortalBrowserFixture>
{
    [Fact]
    public async Task The_sign_in_page_has_no_serious_accessibility_violation_at_phone_size()
    {
        var page = await fixture.PhoneAsync(axe: true);
        await page.GotoAsync(fixture.PortalUrl + "/Account/Login");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_axe_helper_reports_a_serious_violation()
    {
        var page = await fixture.PhoneAsync(axe: true);
        await page.GotoAsync(fixture.PortalUrl + "/Account/Login");
        // An input without a label is a critical violation (WCAG 2.1 1.3.1, 4.1.2): the helper must say so.
        await page.EvaluateAsync("() => { const i = document.createElement('input'); i.type = 'text'; document.querySelector('main, body').appendChild(i); }");
        var failure = await Should.ThrowAsync<Xunit.Sdk.XunitException>(() => Axe.AssertNoSeriousViolationsAsync(page));
        failure.Message.ShouldContain("label");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_letter_from_the_clerk_lets_the_patient_activate_enrol_the_authenticator_and_sign_in_with_a_code_on_a_phone()
    {
        await ClinicalData.ImportAsync(fixture.Database, ClinicalData.Smallest);
        var patientId = await ClinicalData.PatientIdAsync(fixture.Database, ClinicalData.Smallest);
        var family = await fixture.Database.ScalarAsync<string>($"SELECT family_name FROM clinical.patients WHERE id = '{patientId}'");
        var born = await fixture.Database.ScalarAsync<string>($"SELECT to_char(birth_date, 'YYYY-MM-DD') FROM clinical.patients WHERE id = '{patientId}'");
        var clerk = await Personas.CreateAsync(fixture.Staff.Services, Roles.HimClerk);

        // The clerk, in the staff app: finds the patient, issues the letter, opens it.
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

        // The patient, on a phone: activates from the letter.
        var page = await fixture.PhoneAsync(axe: true);
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

        // Signs in with the password (the portal requires the second factor by default: set-up comes first).
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

        // Signed out by the enrolment; signs in again with the password and the app's next code.
        await page.ClickAsync("[data-testid=go-sign-in]");
        await page.FillAsync("#email", email);
        await page.FillAsync("#password", password);
        await page.ClickAsync("[data-testid=sign-in]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Account/SignInCode"));
        await Axe.AssertNoSeriousViolationsAsync(page);
        fixture.Portal.Clock.Advance(TimeSpan.FromSeconds(Totp.StepSeconds));
        await page.FillAsync("[data-testid=sign-in-code]", Totp.Compute(secret, Totp.StepAt(fixture.Portal.Clock.GetUtcNow())));
        await page.ClickAsync("[data-testid=submit-code]");
        await Assertions.Expect(page.Locator("[data-testid=portal-home]")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360);

        (await fixture.Database.ScalarAsync<string>($"SELECT patient_mrn FROM identity.users WHERE email = '{email}'")).ShouldNotBeNull();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_forgot_and_reset_password_pages_have_no_serious_accessibility_violation_at_phone_size()
    {
        var page = await fixture.PhoneAsync(axe: true);
        await page.GotoAsync(fixture.PortalUrl + "/Account/ForgotPassword");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.GotoAsync(fixture.PortalUrl + "/Account/ResetPassword?token=x");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.Context.CloseAsync();
    }
}
