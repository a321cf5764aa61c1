using HimPortal.Tests.Completion.Amendments;
using HimPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HimPortal.Tests.Browser;

/// <summary>
/// A correction end to end in Chromium (issue 19 item 5): the patient asks at phone size in the portal, HIM routes it in
/// the staff app, the note's author accepts it from the inbox, and the person the patient named gets the amendment by
/// e-mail through the real SMTP server.
/// </summary>
public sealed class CorrectionsBrowserTests(PortalBrowserFixture fixture) : IClassFixture<PortalBrowserFixture>
{
    private static async Task SignInAsync(IPage page, string url, Persona persona)
    {
        await page.GotoAsync(url + "/Account/Login");
        await page.FillAsync("#email", persona.Email);
        await page.FillAsync("#password", persona.Password);
        await page.ClickAsync("button[type=submit]");
        try
        {
            await page.WaitForURLAsync(u => !u.Contains("/Account/Login", StringComparison.Ordinal));
        }
        catch (TimeoutException e)
        {
            // Say what the sign-in page answered (once seen in a full run: still on the page after 30 s, cause unknown).
            var main = await page.Locator("main").InnerTextAsync(new LocatorInnerTextOptions { Timeout = 5000 });
            throw new TimeoutException($"Still on {page.Url} after signing in as {persona.Role}; the page says: {main}", e);
        }
    }

    [Fact]
    public async Task The_patient_asks_at_phone_size_HIM_routes_and_the_physician_accepts_in_the_inbox()
    {
        await ClinicalData.ImportAsync(fixture.Database, ClinicalData.Smallest);
        var c = await AmendmentWorld.CaseAsync(fixture.Database);

        var phone = await fixture.PhoneAsync();
        await SignInAsync(phone, fixture.PortalUrl, c.Patient);
        await phone.GotoAsync($"{fixture.PortalUrl}/Corrections/New?resourceType=DocumentReference&resourceId={c.Stay.NoteId}");
        (await phone.TextContentAsync("[data-testid=correction-item-description]"))!.ShouldContain("Surgical operation note");
        await phone.FillAsync("[data-testid=correction-change]", "It was my gallbladder that was removed, not my appendix.");
        await phone.FillAsync("[data-testid=correction-reason]", "I had a cholecystectomy.");
        await phone.FillAsync("[data-testid=recipient-name-0]", "Dr. Family Doctor");
        await phone.FillAsync("[data-testid=recipient-address-0]", "family.browser@clinic.example");
        // Keyboard only: the submit button is reached and pressed without a pointer.
        await phone.FocusAsync("[data-testid=correction-submit]");
        await phone.Keyboard.PressAsync("Enter");
        await phone.WaitForSelectorAsync("[data-testid=correction-done]");
        (await phone.TextContentAsync("[data-testid=correction-status]"))!.ShouldContain("received");
        (await phone.EvaluateAsync<int>("document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360);
        var id = await fixture.Database.ScalarAsync<Guid>($"SELECT id FROM portal.amendments WHERE resource_id = '{c.Stay.NoteId}'");

        var staff = await (await fixture.Browser.NewContextAsync()).NewPageAsync();
        await SignInAsync(staff, fixture.StaffUrl, c.Clerk);
        await staff.GotoAsync(fixture.StaffUrl + "/Completion/Amendments");
        await staff.ClickAsync($"[data-testid=amendment-row][data-amendment='{id}'] [data-testid=amendment-open]");
        await staff.ClickAsync("[data-testid=route-submit]");
        await staff.WaitForSelectorAsync("[data-testid=amendment-done]");

        var doctor = await (await fixture.Browser.NewContextAsync()).NewPageAsync();
        await SignInAsync(doctor, fixture.StaffUrl, c.Stay.Physician);
        await doctor.GotoAsync(fixture.StaffUrl + "/Completion/Inbox");
        await doctor.WaitForSelectorAsync("[data-testid=amendment-inbox-title]");
        await doctor.ClickAsync($"[data-testid=amendment-row][data-amendment='{id}'] [data-testid=amendment-open]");
        await doctor.FillAsync("[data-testid=accept-text]", "The operation removed the gallbladder (cholecystectomy), not the appendix.");
        await doctor.ClickAsync("[data-testid=accept-submit]");
        await doctor.WaitForSelectorAsync("[data-testid=inbox-done]");

        var mail = await fixture.Mail.WaitForAsync("family.browser@clinic.example", timeout: TimeSpan.FromSeconds(60));
        (mail.TextBody ?? "").ShouldContain("cholecystectomy");
        await phone.GotoAsync(fixture.PortalUrl + "/Corrections");
        (await phone.TextContentAsync("[data-testid=correction-status]"))!.ShouldContain("accepted");
        await doctor.GotoAsync($"{fixture.StaffUrl}/Charts/Chart/{c.Stay.PatientId}");
        (await doctor.Locator("[data-testid=amended-mark]").CountAsync()).ShouldBe(1);
    }
}
