using HimPortal.Application.Access;
using HimPortal.Tests.Completion;
using HimPortal.Tests.Infrastructure;
using Microsoft.Playwright;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Browser;

/// <summary>
/// Chart-completion aging in Chromium (issue 18 item 4): a record left delinquent past the bylaws' days puts its physician
/// on the suspension list; the HIM manager sees it and the numbers; the physician reads the notice and downloads its letter.
/// </summary>
public sealed class AgingBrowserTests(AgingBrowserFixture fixture) : IClassFixture<AgingBrowserFixture>
{
    private BrowserFixture Browser => fixture.Browser;

    [Fact]
    public async Task The_manager_sees_the_suspension_list_and_numbers_and_the_physician_reads_a_notice_and_downloads_its_letter()
    {
        var world = fixture.World;
        var physician = await world.PractitionerAsync();
        var now = DateTimeOffset.UtcNow;
        var stay = await world.StayAsync(now.AddDays(-40), now.AddDays(-10));
        await world.DeficiencyAsync(stay, physician.Id);
        var clock = new TestClock();
        clock.Set(now);
        await world.AgeAsync(clock);
        var doctor = await Personas.CreateAsync(Browser.Factory.Services, Roles.Physician, npi: physician.Npi);
        var manager = await Personas.CreateAsync(Browser.Factory.Services, Roles.HimManager);

        var managerContext = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Browser.BaseUrl });
        var page = await SignInAsync(managerContext, manager);
        await page.GotoAsync("/Management");
        await Assertions.Expect(page.Locator("[data-testid=completion-delinquent]")).ToContainTextAsync("Delinquent records");
        await page.ClickAsync("[data-testid=nav-completion-suspensions]");
        var row = page.Locator($"[data-testid=suspension-row][data-npi='{physician.Npi}']");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-in-force", "true");
        await Assertions.Expect(row.Locator("[data-testid=suspension-records]")).ToHaveTextAsync("1");
        await page.ClickAsync("[data-testid=nav-completion-numbers]");
        await Assertions.Expect(page.Locator($"[data-testid=completion-by-physician] [data-npi='{physician.Npi}'] [data-testid=row-delinquent]")).ToHaveTextAsync("1");
        await managerContext.CloseAsync();

        var doctorContext = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Browser.BaseUrl });
        page = await SignInAsync(doctorContext, doctor);
        await page.ClickAsync("[data-testid=nav-completion-notices]");
        var delinquent = page.Locator("[data-testid=notices-unread] [data-testid=notice-row][data-kind=delinquent]");
        await Assertions.Expect(delinquent).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=notices-unread] [data-testid=notice-row][data-kind=suspension]")).ToHaveCountAsync(1);
        var letter = await page.RunAndWaitForDownloadAsync(() => delinquent.Locator("[data-testid=notice-letter]").ClickAsync());
        using (var pdf = PdfDocument.Open(await File.ReadAllBytesAsync((await letter.PathAsync())!)))
        {
            string.Join(" ", pdf.GetPages().SelectMany(p => p.GetWords()).Select(w => w.Text)).ShouldContain(world.Mrn!);
        }

        await delinquent.Locator("[data-testid=notice-mark-read]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("marked read");
        await Assertions.Expect(page.Locator("[data-testid=notices-read] [data-testid=notice-row][data-kind=delinquent]")).ToHaveCountAsync(1);
        await doctorContext.CloseAsync();
    }

    private static async Task<IPage> SignInAsync(IBrowserContext context, Persona persona)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#email", persona.Email);
        await page.FillAsync("#password", persona.Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=home-title]")).ToBeVisibleAsync();
        return page;
    }
}

public sealed class AgingBrowserFixture : IAsyncLifetime
{
    public BrowserFixture Browser { get; } = new();

    public AgingWorld World { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Browser.InitializeAsync();
        World = AgingWorld.On(Browser.Database);
        await World.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await World.DisposeAsync();
        await Browser.DisposeAsync();
    }
}
