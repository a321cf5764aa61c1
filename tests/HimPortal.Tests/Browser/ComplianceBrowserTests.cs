using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HimPortal.Tests.Browser;

public sealed class ComplianceBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private async Task<IPage> SignInAsync(Persona persona, string landing)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = browser.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#email", persona.Email);
        await page.FillAsync("#password", persona.Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(landing + "$"));
        return page;
    }

    [Fact]
    public async Task A_physicians_break_the_glass_is_found_in_the_log_and_reviewed_and_the_queue_count_drops()
    {
        var family = "Glassbreak" + Guid.NewGuid().ToString("N")[..6];
        var patient = Guid.CreateVersion7();
        await browser.Database.ExecuteAsync($"""
            INSERT INTO clinical.patients (id, fhir_id, resource, source_hash, imported_at, mrn, family_name, given_names, search_name, birth_date, sex, deceased)
            VALUES ('{patient}', '{patient:N}', '{"{}"}', decode(repeat('00', 32), 'hex'), now(), 'BG-{patient.ToString("N")[..8]}', '{family}', 'Robin',
                    lower('robin {family}'), '1980-04-02', 'female', false)
            """);
        var physician = await Personas.CreateAsync(browser.Factory.Services, Roles.Physician);
        var officer = await Personas.CreateAsync(browser.Factory.Services, Roles.ComplianceOfficer);

        // The physician has no treatment relationship: the chart offers break-the-glass.
        var doctor = await SignInAsync(physician, "/Charts");
        await doctor.GotoAsync($"/Charts/Chart/{patient}");
        await doctor.CheckAsync("[data-testid=reason-emergency]");
        await doctor.CheckAsync("[data-testid=attest]");
        await doctor.ClickAsync("[data-testid=break-glass-submit]");
        await Assertions.Expect(doctor.Locator("[data-testid=break-glass]")).ToHaveCountAsync(0);

        var page = await SignInAsync(officer, "/Compliance");
        var before = int.Parse(await page.Locator("[data-testid=break-glass-unreviewed]").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        before.ShouldBeGreaterThanOrEqualTo(1);

        // Who accessed this patient? Found by name; the emergency access is in the log.
        await page.FillAsync("#patientText", family);
        await page.Locator("[data-testid=quick-patient] button").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=chosen-patient]")).ToBeVisibleAsync();
        var glassRow = page.Locator("[data-testid=log-row]", new() { HasText = "break-glass Chart" });
        await Assertions.Expect(glassRow).ToHaveCountAsync(1);
        await Assertions.Expect(glassRow.Locator("[data-testid=log-user]")).ToHaveTextAsync(physician.Email);

        // Review it from the queue.
        await page.ClickAsync("[data-testid=compliance-nav] >> text=Break-the-glass review");
        var row = page.Locator("[data-testid=queue-row]", new() { HasText = family });
        await row.Locator("[data-testid=review-link]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=grant-reason]")).ToContainTextAsync("Emergency care");
        await page.CheckAsync("[data-testid=disposition-appropriate]");
        await page.FillAsync("[data-testid=review-notes]", "Seen in the emergency department that night.");
        await page.ClickAsync("[data-testid=review-submit]");
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("recorded as appropriate");
        await Assertions.Expect(page.Locator("[data-testid=queue-row]", new() { HasText = family })).ToHaveCountAsync(0);

        await page.ClickAsync("[data-testid=compliance-nav] >> text=Home");
        await Assertions.Expect(page.Locator("[data-testid=break-glass-unreviewed]")).ToHaveTextAsync((before - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await page.Context.CloseAsync();
        await doctor.Context.CloseAsync();
    }
}
