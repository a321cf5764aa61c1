using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;

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
        var code = await PortalJourney.IssueLetterAsync(fixture, clerk, family);

        // The patient, on a phone: activates from the letter, enrols the authenticator, and (signed out by the
        // enrolment) signs in again with the password and the app's next code.
        var page = await fixture.PhoneAsync(axe: true);
        var account = await PortalJourney.ActivateAndEnrolAsync(fixture, page, code, born, family);
        await page.ClickAsync("[data-testid=go-sign-in]");
        await PortalJourney.SignInWithCodeAsync(fixture, page, account);
        var email = account.Email;
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
