using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HimPortal.Tests.Browser;

/// <summary>
/// An ROI specialist in Chromium (issue 17 item 1): logs a patient's own request for a patient found by search, sees it on
/// the worklist with its due date and the rule that sets it, opens it, moves it to validating and sees the timeline.
/// </summary>
public sealed class RoiBrowserTests(RoiBrowserFixture fixture) : IClassFixture<RoiBrowserFixture>
{
    private BrowserFixture Browser => fixture.Browser;

    [Fact]
    public async Task A_specialist_logs_a_request_for_a_patient_found_by_search_and_sees_it_on_the_worklist_with_its_due_date_and_rule()
    {
        var patientId = await ClinicalData.PatientIdAsync(Browser.Database, ClinicalData.Smallest);
        var mrn = await Browser.Database.ScalarAsync<string>($"SELECT mrn FROM clinical.patients WHERE id = '{patientId}'");
        var specialist = await Personas.CreateAsync(Browser.Factory.Services, Roles.RoiSpecialist);

        var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Browser.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#email", specialist.Email);
        await page.FillAsync("#password", specialist.Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=home-title]")).ToHaveTextAsync("Release of information");

        await page.ClickAsync("[data-testid=nav-roi-new-request]");
        await page.FillAsync("[data-testid=search-mrn]", mrn);
        await page.ClickAsync("[data-testid=search-patient]");
        await page.Locator("[data-testid=patient-result]").First.Locator("[data-testid=choose-patient]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=chosen-mrn]")).ToHaveTextAsync(mrn);

        await page.CheckAsync("[data-testid=requester-type-patient]");
        await page.FillAsync("[data-testid=requester-name]", "The Patient Themself");
        await page.FillAsync("[data-testid=requester-email]", "patient@example.test");
        await page.FillAsync("[data-testid=identity-verification]", "photo ID at the front desk");
        await page.SelectOptionAsync("[data-testid=format]", "pdf");
        await page.SelectOptionAsync("[data-testid=delivery]", "secure-download");
        await page.ClickAsync("[data-testid=save-request]");

        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Roi/Requests/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("logged");
        var number = await page.Locator("[data-testid=request-number]").TextContentAsync();
        await Assertions.Expect(page.Locator("[data-testid=request-clock] [data-testid=due-rule]")).ToContainTextAsync("45 CFR 164.524(b)(2)");
        await Assertions.Expect(page.Locator("[data-testid=request-clock] [data-testid=days-left]")).ToContainTextAsync("30 day(s) left");

        await page.ClickAsync("[data-testid=nav-roi]");
        var row = page.Locator($"[data-testid=worklist-row][data-request='{number}']");
        await Assertions.Expect(row).ToContainTextAsync(mrn);
        await Assertions.Expect(row.Locator("[data-testid=due-rule]")).ToContainTextAsync("45 CFR 164.524(b)(2)");
        await Assertions.Expect(row.Locator("[data-testid=due-day]")).ToHaveTextAsync(new Regex(@"^\d{4}-\d{2}-\d{2}$"));

        await row.Locator("[data-testid=open-request]").ClickAsync();
        await page.ClickAsync("[data-testid=move-validating]");
        await Assertions.Expect(page.Locator("[data-testid=request-status]")).ToHaveTextAsync("validating");
        await Assertions.Expect(page.Locator("[data-testid=timeline-entry]")).ToHaveCountAsync(2);
        await context.CloseAsync();
    }
}

public sealed class RoiBrowserFixture : IAsyncLifetime
{
    public BrowserFixture Browser { get; } = new();

    public async Task InitializeAsync()
    {
        await Browser.InitializeAsync();
        await ClinicalData.ImportAsync(Browser.Database, ClinicalData.Smallest);
    }

    public Task DisposeAsync() => Browser.DisposeAsync();
}
