using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Mpi;
using Microsoft.Playwright;

namespace HimPortal.Tests.Browser;

/// <summary>
/// What an HIM manager does with the duplicate worklist in Chromium (issue 16 item 7): open the worklist, open a pair,
/// link it, open the combined chart and see both records' MRNs, find the person by the second record's MRN and the
/// combined chart's view in the second record's access log; then unlink from the person page and see each record alone
/// again in the chart, search and the log. The chart's linked-records list is mpi-person's (the chart across the person).
/// </summary>
public sealed class MpiBrowserTests(MpiBrowserFixture fixture) : IClassFixture<MpiBrowserFixture>
{
    private BrowserFixture Browser => fixture.Browser;

    [Fact]
    public async Task A_reviewer_links_a_pair_from_the_worklist_opens_the_combined_chart_and_unlinks_it_again()
    {
        var smallest = await ClinicalData.PatientIdAsync(Browser.Database, ClinicalData.Smallest);
        var smallestMrn = await Browser.Database.ScalarAsync<string>($"SELECT mrn FROM clinical.patients WHERE id = '{smallest}'");
        var other = await CandidatePairs.PatientAsync(Browser.Database, "Zandra", "Registration", "MRN-DUP-" + Guid.NewGuid().ToString("N")[..6]);
        var otherMrn = await Browser.Database.ScalarAsync<string>($"SELECT mrn FROM clinical.patients WHERE id = '{other}'");
        var pair = await CandidatePairs.AddAsync(Browser.Database, smallest, other, score: 0.86, source: "arrival");
        var manager = await Personas.CreateAsync(Browser.Factory.Services, Roles.HimManager);

        var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Browser.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#email", manager.Email);
        await page.FillAsync("#password", manager.Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=signed-in-user]")).ToHaveTextAsync(manager.Email);

        // The worklist from the navigation: the pair is there with both MRNs.
        await page.ClickAsync("[data-testid=nav-mpi-worklist]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Mpi/Worklist$"));
        var row = page.Locator($"[data-testid=worklist-row][data-pair='{pair}']");
        await Assertions.Expect(row).ToContainTextAsync(smallestMrn);
        await Assertions.Expect(row).ToContainTextAsync(otherMrn);
        await row.Locator("[data-testid=open-pair]").ClickAsync();

        // The pair side by side with the preview; "same person" links it (one record holds no clinical data: one reviewer).
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/Mpi/Pairs/{pair}$"));
        await Assertions.Expect(page.Locator("[data-testid=link-preview]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=row-mrn]")).ToContainTextAsync(otherMrn);
        await page.ClickAsync("[data-testid=decide-same]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Mpi/Persons/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("Linked");
        await Assertions.Expect(page.Locator("[data-testid=person-record]")).ToHaveCountAsync(2);

        // The combined chart lists both records (mpi-person's data-testid="linked-records").
        await page.GotoAsync($"/Charts/Chart/{smallest}");
        var linked = page.Locator("[data-testid=linked-records]");
        await Assertions.Expect(linked).ToContainTextAsync(smallestMrn);
        await Assertions.Expect(linked).ToContainTextAsync(otherMrn);

        // Search follows: the second record's MRN finds the person once, naming the first record too.
        await page.GotoAsync($"/Charts?mrn={Uri.EscapeDataString(otherMrn)}");
        await Assertions.Expect(page.Locator("[data-testid=patient-row]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=linked-mrns]")).ToContainTextAsync(smallestMrn);

        // The access log follows: asked for the second record, it lists the view of the combined chart opened through the first.
        await page.GotoAsync($"/Compliance/AccessLog?patientId={other}");
        await Assertions.Expect(page.Locator("[data-testid=log-rows]")).ToContainTextAsync(smallestMrn);

        // Unlink from the person page, with a reason; the chart is one record's again.
        await page.GotoAsync($"/Mpi/Persons/{smallest}");
        var second = page.Locator($"[data-testid=person-record][data-mrn='{otherMrn}']");
        await second.Locator("[data-testid=unlink-reason]").FillAsync("Registration confirmed a different person: another mother");
        await second.Locator("[data-testid=unlink]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("Unlinked");
        await Assertions.Expect(page.Locator("[data-testid=link-closed]")).ToHaveCountAsync(2);
        await page.GotoAsync($"/Charts/Chart/{smallest}");
        await Assertions.Expect(page.Locator("[data-testid=patient-name]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=linked-records]")).ToHaveCountAsync(0);

        // And search and the access log are each record's own again.
        await page.GotoAsync($"/Charts?mrn={Uri.EscapeDataString(otherMrn)}");
        await Assertions.Expect(page.Locator("[data-testid=patient-row]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=linked-mrns]")).ToHaveCountAsync(0);
        await page.GotoAsync($"/Compliance/AccessLog?patientId={other}");
        await Assertions.Expect(page.Locator("[data-testid=log-rows]")).Not.ToContainTextAsync(smallestMrn);
        await context.CloseAsync();
    }
}

public sealed class MpiBrowserFixture : IAsyncLifetime
{
    public BrowserFixture Browser { get; } = new();

    public async Task InitializeAsync()
    {
        await Browser.InitializeAsync();
        await ClinicalData.ImportAsync(Browser.Database, ClinicalData.Smallest);
    }

    public Task DisposeAsync() => Browser.DisposeAsync();
}
