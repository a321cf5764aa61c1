using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HimPortal.Tests.Browser;

/// <summary>What a physician does in Chromium: find a patient, open the chart, break the glass; and a patient refused.</summary>
public sealed class ChartBrowserTests(ChartBrowserFixture fixture) : IClassFixture<ChartBrowserFixture>
{
    private BrowserFixture Browser => fixture.Browser;

    private async Task<IPage> SignedInAsync(Persona persona)
    {
        var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Browser.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#email", persona.Email);
        await page.FillAsync("#password", persona.Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=signed-in-user]")).ToHaveTextAsync(persona.Email);
        return page;
    }

    private static async Task SearchAndOpenAsync(IPage page, string name)
    {
        await page.GotoAsync("/Charts");
        await page.FillAsync("#name", name);
        await page.ClickAsync("[data-testid=search-submit]");
        await Assertions.Expect(page.Locator("[data-testid=patient-row]")).ToHaveCountAsync(1);
        await page.ClickAsync("[data-testid=open-chart]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Charts/Chart/[0-9a-f-]{36}$"));
    }

    [Fact]
    public async Task A_treating_physician_searches_opens_the_chart_and_sees_the_lab_trend_with_its_points()
    {
        var patientId = await ClinicalData.PatientIdAsync(Browser.Database, ClinicalData.Cortes);
        var physician = await Personas.CreateAsync(Browser.Factory.Services, Roles.Physician,
            npi: await ClinicalData.TreatingNpiAsync(Browser.Database, patientId));
        var page = await SignedInAsync(physician);

        await SearchAndOpenAsync(page, "cortes");

        await Assertions.Expect(page.Locator("[data-testid=patient-name]")).ToHaveTextAsync("Armando772 Cortés936");
        await Assertions.Expect(page.Locator("[data-testid=section-encounters]")).ToHaveTextAsync("Encounters (14)");
        await Assertions.Expect(page.Locator("[data-testid=section-documents]")).ToHaveTextAsync("Notes (14)");
        var labCount = await Browser.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM clinical.observations WHERE patient_id = '{patientId}' AND category = 'laboratory'");
        await Assertions.Expect(page.Locator("[data-testid=section-lab-results]")).ToHaveTextAsync($"Lab results ({labCount})");

        // The trend of one test: as many circles as that test has numeric results in the database.
        var row = page.Locator("[data-testid=lab-results] [data-testid=series-row][data-code='2339-0']");
        var plot = row.Locator("svg[data-testid=trend-plot]");
        await Assertions.Expect(plot).ToBeVisibleAsync();
        var glucose = await Browser.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM clinical.observations WHERE patient_id = '{patientId}' AND code = '2339-0' AND value_quantity IS NOT NULL");
        glucose.ShouldBeGreaterThan(1);
        await Assertions.Expect(plot.Locator("circle")).ToHaveCountAsync((int)glucose);
        (await plot.Locator("polyline").CountAsync()).ShouldBe(1);
        (await plot.BoundingBoxAsync())!.Width.ShouldBeGreaterThan(100);

        // The test's own page: every result listed, and the detailed plot with a tooltip per point.
        await row.Locator("[data-testid=series-count]").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Charts/Results/[0-9a-f-]{36}/2339-0$"));
        await Assertions.Expect(page.Locator("[data-testid=result-row]")).ToHaveCountAsync((int)glucose);
        var detailed = page.Locator("svg[data-testid=trend-plot]");
        await Assertions.Expect(detailed.Locator("circle")).ToHaveCountAsync((int)glucose);
        (await detailed.Locator("circle").First.Locator("title").TextContentAsync())!.ShouldContain("mg/dL");
        await page.ClickAsync("[data-testid=back-to-chart]");

        await page.ClickAsync("[data-testid=open-encounter] >> nth=0");
        await Assertions.Expect(page.Locator("[data-testid=encounter]")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_physician_without_a_relationship_breaks_the_glass_to_open_the_chart()
    {
        var patientId = await ClinicalData.PatientIdAsync(Browser.Database, ClinicalData.Smallest);
        var physician = await Personas.CreateAsync(Browser.Factory.Services, Roles.Physician,
            npi: await ClinicalData.UnrelatedNpiAsync(Browser.Database, patientId));
        var page = await SignedInAsync(physician);

        await SearchAndOpenAsync(page, "zandra");
        await Assertions.Expect(page.Locator("[data-testid=break-glass-form]")).ToBeVisibleAsync();
        (await page.Locator("[data-testid=section-encounters]").CountAsync()).ShouldBe(0);

        await page.CheckAsync("[data-testid=reason-emergency]");
        await page.ClickAsync("[data-testid=break-glass-submit]");
        await Assertions.Expect(page.Locator("[data-testid=form-error]")).ToContainTextAsync("Tick the attestation");

        await page.CheckAsync("[data-testid=reason-emergency]");
        await page.CheckAsync("[data-testid=attest]");
        await page.ClickAsync("[data-testid=break-glass-submit]");
        await Assertions.Expect(page.Locator("[data-testid=break-glass-active]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=section-encounters]")).ToHaveTextAsync("Encounters (3)");

        (await Browser.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{physician.Id}' AND action = 'break-glass' AND patient_id = '{patientId}'")).ShouldBe(1);
        (await Browser.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM access.break_glass_accesses WHERE user_id = '{physician.Id}' AND reviewed_at IS NULL")).ShouldBe(1);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_patient_user_never_reaches_a_staff_chart()
    {
        var patientId = await ClinicalData.PatientIdAsync(Browser.Database, ClinicalData.Cortes);
        var patient = await Personas.CreateAsync(Browser.Factory.Services, Roles.Patient);
        var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Browser.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#email", patient.Email);
        await page.FillAsync("#password", patient.Password);
        await page.ClickAsync("button[type=submit]");

        // A patient's account does not sign in to the staff app at all (issue 19): it is sent to the patient portal.
        await Assertions.Expect(page.Locator("[data-testid=login-error]")).ToContainTextAsync("Patients sign in to the patient portal.");
        await page.GotoAsync($"/Charts/Chart/{patientId}");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        (await page.ContentAsync()).ShouldNotContain("Cortés");
        (await Browser.Database.ScalarAsync<long>(
            $"SELECT count(*) FROM audit.access_events WHERE user_id = '{patient.Id}' AND action = 'login-failed' AND outcome = 'denied'")).ShouldBe(1);
        await page.Context.CloseAsync();
    }
}

/// <summary>The browser fixture with the chart tests' shared patients imported.</summary>
public sealed class ChartBrowserFixture : IAsyncLifetime
{
    public BrowserFixture Browser { get; } = new();

    public async Task InitializeAsync()
    {
        await Browser.InitializeAsync();
        await ClinicalData.ImportAsync(Browser.Database, ClinicalData.Smallest, ClinicalData.Cortes);
    }

    public Task DisposeAsync() => Browser.DisposeAsync();
}
