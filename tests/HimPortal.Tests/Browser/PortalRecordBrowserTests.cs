using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Portal;

namespace HimPortal.Tests.Browser;

/// <summary>"My record" in a real browser at phone size, by keyboard-reachable links, checked with axe-core (issue 19 items 3 and 9).</summary>
public sealed class PortalRecordBrowserTests(PortalBrowserFixture fixture) : IClassFixture<PortalBrowserFixture>
{
    [Fact]
    public async Task A_patient_reads_their_record_and_a_note_at_phone_size_with_no_serious_accessibility_violation()
    {
        await ClinicalData.ImportAsync(fixture.Database, ClinicalData.Smallest);
        var patient = await Personas.CreateAsync(fixture.Staff.Services, Roles.Patient);
        await fixture.Database.ExecuteAsync($"UPDATE identity.users SET patient_mrn = '{ClinicalData.Smallest}' WHERE id = '{patient.Id}'");

        var page = await RecordAtPhoneSizeAsync(patient);

        (await page.TextContentAsync("[data-testid=record-title]"))!.ShouldContain("Your record");
        (await page.TextContentAsync("[data-testid=whose-record]"))!.ShouldContain("your own record");
        (await page.Locator("[data-testid=visit]").CountAsync()).ShouldBeGreaterThan(0);
        (await page.Locator("[data-testid=ask-correction]").CountAsync()).ShouldBeGreaterThan(0);
        // Nothing wider than the phone: the tables stack into labelled rows.
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360);
        await Axe.AssertNoSeriousViolationsAsync(page);

        await page.Locator("[data-testid=open-note]").First.ClickAsync();
        (await page.Locator("[data-testid=note-text]").CountAsync()).ShouldBe(1);
        (await page.TextContentAsync("[data-testid=whose-record]"))!.ShouldContain("your own record");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_patient_reads_the_pages_of_a_scanned_document_at_phone_size_with_no_serious_accessibility_violation()
    {
        await ClinicalData.ImportAsync(fixture.Database, ClinicalData.Smallest);
        var owner = await ClinicalData.PatientIdAsync(fixture.Database, ClinicalData.Smallest);
        var scan = await IndexedScans.FileAsync(fixture.Database, owner, "SYNTHETIC letter from the outside clinic, read on a phone.", seed: 43);
        var patient = await Personas.CreateAsync(fixture.Staff.Services, Roles.Patient);
        await fixture.Database.ExecuteAsync($"UPDATE identity.users SET patient_mrn = '{ClinicalData.Smallest}' WHERE id = '{patient.Id}'");

        var page = await RecordAtPhoneSizeAsync(patient);
        await page.ClickAsync($"[data-testid=document][data-id='{scan.NoteId:D}'] [data-testid=open-document]");

        (await page.TextContentAsync("[data-testid=document-title]"))!.ShouldContain("Correspondence");
        (await page.TextContentAsync("[data-testid=whose-record]"))!.ShouldContain("your own record");
        var images = page.Locator("[data-testid=document-page-image]");
        (await images.CountAsync()).ShouldBe(scan.Pages);
        // Each page's picture really loads (the CSP lets the portal's own images through) and fits the phone.
        await images.First.ScrollIntoViewIfNeededAsync();
        await page.WaitForFunctionAsync("() => { const i = document.querySelector('[data-testid=document-page-image]'); return i.complete && i.naturalWidth > 0; }");
        (await images.First.GetAttributeAsync("alt"))!.ShouldStartWith("Page 1 of");
        (await page.Locator("[data-testid=document-page-download]").CountAsync()).ShouldBe(scan.Pages);
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360);
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.Context.CloseAsync();
    }

    /// <summary>Signs the patient in to the portal at phone size (axe-core loaded) and opens "my record".</summary>
    private async Task<Microsoft.Playwright.IPage> RecordAtPhoneSizeAsync(Persona patient)
    {
        var page = await fixture.PhoneAsync(axe: true);
        await page.GotoAsync(fixture.PortalUrl + "/Account/Login");
        await page.FillAsync("#email", patient.Email);
        await page.FillAsync("#password", patient.Password);
        await page.ClickAsync("[data-testid=sign-in]");
        await page.ClickAsync("[data-testid=nav-record]");
        return page;
    }
}
