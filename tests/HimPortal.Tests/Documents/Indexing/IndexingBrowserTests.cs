using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Tests.Browser;
using HimPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HimPortal.Tests.Documents.Indexing;

public sealed class IndexingBrowserFixture : IAsyncLifetime
{
    public BrowserFixture Browser { get; } = new();

    public async Task InitializeAsync()
    {
        await Browser.InitializeAsync();
        await ClinicalData.ImportAsync(Browser.Database, ClinicalData.Smallest, ClinicalData.Cortes);
    }

    public Task DisposeAsync() => Browser.DisposeAsync();
}

/// <summary>What an HIM clerk does in Chromium: works a scanned document from the queue into the right chart.</summary>
public sealed class IndexingBrowserTests(IndexingBrowserFixture fixture) : IClassFixture<IndexingBrowserFixture>
{
    private BrowserFixture Browser => fixture.Browser;

    [Fact]
    public async Task A_clerk_indexes_a_document_from_the_queue_to_the_chart()
    {
        var source = "fax-" + Guid.NewGuid().ToString("N")[..6];
        await ScannedDocuments.CreateAsync(Browser.Factory.Services, 2, source);
        var clerk = await Personas.CreateAsync(Browser.Factory.Services, Roles.HimClerk);
        var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Browser.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#email", clerk.Email);
        await page.FillAsync("#password", clerk.Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=signed-in-user]")).ToHaveTextAsync(clerk.Email);

        await page.ClickAsync("[data-testid=nav-indexing-queue]");
        await Assertions.Expect(page.Locator("[data-testid=queue-title]")).ToBeVisibleAsync();
        await page.FillAsync("[data-testid=queue-source]", source);
        await page.ClickAsync("[data-testid=queue-apply]");
        await Assertions.Expect(page.Locator("[data-testid=queue-row]")).ToHaveCountAsync(1);
        await page.ClickAsync("[data-testid=open-document]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Intake/Index/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.Locator("[data-testid=thumbnail]")).ToHaveCountAsync(2);
        var image = page.Locator("[data-testid=page-image]");
        await Assertions.Expect(image).ToBeVisibleAsync();
        (await image.EvaluateAsync<int>("i => i.naturalWidth")).ShouldBeGreaterThan(0, "the page image loads");
        await page.ClickAsync("[data-testid=zoom-150]");
        await Assertions.Expect(page.Locator(".page-frame.zoom-150")).ToBeVisibleAsync();

        await page.FillAsync("[data-testid=search-name]", "cortes");
        await page.ClickAsync("[data-testid=search-submit]");
        await Assertions.Expect(page.Locator("[data-testid=search-result]")).ToHaveCountAsync(1);
        await page.ClickAsync("[data-testid=choose-patient]");
        await Assertions.Expect(page.Locator("[data-testid=chosen-patient]")).ToContainTextAsync("Cortés936");
        await page.Locator("[data-testid=encounter]").SelectOptionAsync(new SelectOptionValue { Index = 1 });
        await page.Locator("[data-testid=document-type]").SelectOptionAsync(new SelectOptionValue { Label = "History and physical (34117-2)" });
        await page.FillAsync("[data-testid=document-date]", "2024-05-02");
        await page.FillAsync("[data-testid=author]", "Dr. Paper");
        await page.CheckAsync("[data-testid=bears-signature]");
        await page.ClickAsync("[data-testid=file-submit]");

        await Assertions.Expect(page.Locator("[data-testid=filed-notice]")).ToBeVisibleAsync();
        await page.ClickAsync("[data-testid=filed-chart-link]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Charts/Chart/[0-9a-f-]{36}#documents$"));
        var row = page.Locator("[data-testid=document-row]", new PageLocatorOptions { HasText = "Dr. Paper" });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.Locator("[data-testid=scanned-mark]")).ToHaveTextAsync("(scanned, 2 pages)");
        await Assertions.Expect(row).ToContainTextAsync("History and physical");
        await context.CloseAsync();
    }
}
