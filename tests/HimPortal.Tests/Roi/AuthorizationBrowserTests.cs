using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Application.Roi.Authorizations;
using HimPortal.Data.Roi;
using HimPortal.Tests.Browser;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Mpi;
using Microsoft.Playwright;

namespace HimPortal.Tests.Roi;

/// <summary>
/// In a real browser: a specialist records a deficient authorization for a third party's request, downloads the
/// deficiency letter, records the corrected authorization and checks it valid; the request moves on to processing.
/// </summary>
public sealed class AuthorizationBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task A_specialist_takes_a_deficient_authorization_through_the_deficiency_letter_to_a_valid_correction()
    {
        var patient = await CandidatePairs.PatientAsync(browser.Database, "Browser", "Authz" + Guid.NewGuid().ToString("N")[..6]);
        var requestId = await ReleaseRequests.AddAsync(browser.Database, patient, RequesterTypes.AuthorizedThirdParty, RequestStatuses.Validating,
            requesterName: "Smith Disability Law");
        var specialist = await Personas.CreateAsync(browser.Factory.Services, Roles.RoiSpecialist);
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = browser.BaseUrl, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#email", specialist.Email);
        await page.FillAsync("#password", specialist.Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Roi$"));

        await page.GotoAsync($"/Roi/Requests/{requestId}/Authorization");
        await FillFormAsync(page, "[data-testid=record-form]");
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("Authorization recorded");

        // The form lacks the redisclosure statement.
        await CheckAsync(page, AuthorizationElements.RedisclosureStatement, "no redisclosure statement on page 2");
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("deficient");
        await Assertions.Expect(page.Locator("[data-testid=status]")).ToContainTextAsync("waiting-for-information");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=deficiency-letter]"));
        download.SuggestedFilename.ShouldEndWith("-authorization-deficiency.pdf");
        var letter = await File.ReadAllBytesAsync((await download.PathAsync())!);
        var text = RoiAuthorizationWorld.Text(letter);
        var element = AuthorizationElements.For(AuthorizationElements.RedisclosureStatement);
        text.ShouldContain($"{element.Title} ({element.Citation}): no redisclosure statement on page 2");

        await FillFormAsync(page, "[data-testid=correct-form]");
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("Corrected authorization recorded");
        await CheckAsync(page, null, null);
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("The authorization is valid.");
        await Assertions.Expect(page.Locator("[data-testid=status]")).ToContainTextAsync("processing");
        await Assertions.Expect(page.Locator("[data-testid=release-clear]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=authorization-row][data-status=superseded]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=authorization-row][data-status=valid]")).ToHaveCountAsync(1);
        await context.CloseAsync();
    }

    private static async Task FillFormAsync(IPage page, string form)
    {
        var today = DateTime.UtcNow;
        var scope = page.Locator(form);
        await scope.GetByLabel("Description of the information").FillAsync("All records of the 2025 admission");
        await scope.GetByLabel("Who may disclose").FillAsync("The hospital's HIM department");
        await scope.GetByLabel("Who may receive").FillAsync("Smith Disability Law");
        await scope.GetByLabel("Purpose").FillAsync("Disability claim");
        await scope.Locator("[data-testid=record-expires-on]").FillAsync(today.AddYears(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await scope.Locator("[data-testid=record-signed-on]").FillAsync(today.AddDays(-2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await scope.Locator("[data-testid=record-submit]").ClickAsync();
    }

    private static async Task CheckAsync(IPage page, string? missing, string? note)
    {
        foreach (var element in AuthorizationElements.All)
        {
            var row = page.Locator($"[data-testid=element-{element.Code}]");
            if (element.Code == missing)
            {
                await row.Locator($"[data-testid=element-{element.Code}-missing]").CheckAsync();
                await row.Locator($"[data-testid=element-{element.Code}-note]").FillAsync(note!);
            }
            else if (!element.MayNotApply)
            {
                await row.Locator($"[data-testid=element-{element.Code}-confirmed]").CheckAsync();
            }
        }

        await page.ClickAsync("[data-testid=check-submit]");
    }
}
