using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Tests.Completion.Him;
using HimPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HimPortal.Tests.Browser;

/// <summary>
/// The HIM side of chart completion in Chromium (issue 18, cc-him): an analyst finds a refused deficiency in the HIM queue,
/// reassigns it, is refused marking the stay complete while it is open, clears it and marks the stay complete; a manager
/// changes a rule's window.
/// </summary>
public sealed class CompletionHimBrowserTests(MpiBrowserFixture fixture) : IClassFixture<MpiBrowserFixture>
{
    private BrowserFixture Browser => fixture.Browser;

    private async Task<IPage> SignInAsync(string role)
    {
        var persona = await Personas.CreateAsync(Browser.Factory.Services, role);
        var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Browser.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#email", persona.Email);
        await page.FillAsync("#password", persona.Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=signed-in-user]")).ToHaveTextAsync(persona.Email);
        return page;
    }

    [Fact]
    public async Task An_analyst_reassigns_a_refused_deficiency_and_marks_the_stay_complete()
    {
        var stay = await HimWorld.StayAsync(Browser.Database, DateTimeOffset.UtcNow);
        var deficiency = await HimWorld.DeficiencyAsync(Browser.Database, stay, null, refusal: "not my patient: consulted once");
        var npi = await HimWorld.AnyNpiAsync(Browser.Database);
        var page = await SignInAsync(Roles.HimClerk);

        await page.ClickAsync("[data-testid=nav-completion-him]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Completion/Him$"));
        var row = page.Locator($"[data-testid=him-queue-row][data-deficiency='{deficiency}']");
        await Assertions.Expect(row.Locator("[data-testid=refused-reason]")).ToContainTextAsync("not my patient: consulted once");
        await row.Locator("[data-testid=open-stay]").ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/Completion/Him/Stays/{stay.EncounterId}$"));
        var line = page.Locator($"[data-testid=stay-deficiency-row][data-deficiency='{deficiency}']");
        await line.Locator("[data-testid=reassign-other]").FillAsync(npi);
        await line.Locator("[data-testid=reassign-submit]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("assigned");
        await Assertions.Expect(line.Locator("[data-testid=deficiency-responsible]")).ToContainTextAsync(npi);
        await Assertions.Expect(line.Locator("[data-testid=deficiency-event][data-kind=assigned]")).ToHaveCountAsync(1);

        // Open: marking complete is refused and says why.
        await page.ClickAsync("[data-testid=mark-complete]");
        await Assertions.Expect(page.Locator("[data-testid=form-error]")).ToContainTextAsync("open deficiency");
        await Assertions.Expect(page.Locator("[data-testid=stay-status]")).ToHaveTextAsync("incomplete");

        // The physician's summary turned up on paper: the analyst clears it, then marks the stay complete.
        await line.Locator("[data-testid=clear-reason]").FillAsync("summary scanned from the paper record");
        await line.Locator("[data-testid=clear-submit]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=stay-status]")).ToHaveTextAsync("ready");
        await page.ClickAsync("[data-testid=mark-complete]");
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("marked complete");
        await Assertions.Expect(page.Locator("[data-testid=stay-status]")).ToHaveTextAsync("complete");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_manager_edits_a_rules_window()
    {
        var page = await SignInAsync(Roles.HimManager);
        await page.ClickAsync("[data-testid=nav-completion-rules]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Completion/Settings$"));
        var row = page.Locator("[data-testid=rule-row][data-code=operative-report]");
        await row.Locator("[data-testid=rule-edit]").ClickAsync();

        // A start after the end is refused with the reason, nothing saved.
        await page.FillAsync("[data-testid=rule-window-start]", "30");
        await page.ClickAsync("[data-testid=rule-save]");
        await Assertions.Expect(page.Locator("[data-testid=form-error]")).ToContainTextAsync("start must be at or before its end");

        await page.FillAsync("[data-testid=rule-window-start]", "0");
        await page.FillAsync("[data-testid=rule-window-end]", "12");
        await page.ClickAsync("[data-testid=rule-save]");
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("operative-report saved");
        await Assertions.Expect(page.Locator("[data-testid=rule-row][data-code=operative-report] [data-testid=rule-window]")).ToHaveTextAsync("procedure 0 h to 12 h");
        await page.Context.CloseAsync();
    }
}
