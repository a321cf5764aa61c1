using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HimPortal.Tests.Browser;

public sealed class ImportBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_clerk_imports_three_bundles_from_the_intake_home()
    {
        var clerk = await Personas.CreateAsync(browser.Factory.Services, Roles.HimClerk);
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = browser.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#email", clerk.Email);
        await page.FillAsync("#password", clerk.Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Intake$"));

        await page.ClickAsync("[data-testid=import-bundles]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Intake/Import$"));
        // The clerk picks three plain .json files (the repository keeps them compressed: decompressed for the upload).
        await page.SetInputFilesAsync("[data-testid=bundle-files]",
            new[] { SyntheaData.HospitalBundle, SyntheaData.PractitionerBundle, SyntheaData.PatientBundle("8a4c9c04-1524-9f1c-d65b-9b17e4520fef") }
                .Select(bundle => new FilePayload { Name = SyntheaData.JsonName(bundle), MimeType = "application/json", Buffer = SyntheaData.ReadJson(bundle) }));
        await page.ClickAsync("[data-testid=import-submit]");

        var rows = page.Locator("[data-testid=file-row]");
        await Assertions.Expect(rows).ToHaveCountAsync(3, new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=file-status]")).ToHaveTextAsync(["OK", "OK", "OK"]);
        await Assertions.Expect(page.Locator("[data-testid=import-total]")).ToContainTextAsync("3 of 3 file(s) imported.");
        await context.CloseAsync();
    }
}
