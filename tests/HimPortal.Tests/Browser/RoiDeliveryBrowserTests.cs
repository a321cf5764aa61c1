using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Data.Roi;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Mpi;
using HimPortal.Tests.Roi;
using Microsoft.Playwright;

namespace HimPortal.Tests.Browser;

/// <summary>
/// What an ROI specialist does to deliver a release in Chromium (issue 17 items 4, 6, 7): issue the invoice (a policy fee,
/// the state having no schedule), record the payment, release by secure download link; the recipient opens the link in
/// another, anonymous browser and downloads the exact packet; the disclosure is in the patient's accounting.
/// </summary>
public sealed class RoiDeliveryBrowserTests(RoiDeliveryBrowserFixture fixture) : IClassFixture<RoiDeliveryBrowserFixture>
{
    private BrowserFixture Browser => fixture.Browser;

    [Fact]
    public async Task A_specialist_invoices_records_payment_and_releases_by_link_which_an_anonymous_recipient_downloads_and_the_accounting_lists()
    {
        var patient = await CandidatePairs.PatientAsync(Browser.Database, "Paula", "Delivery");
        var request = await ReleaseRequests.AddAsync(Browser.Database, patient, RequesterTypes.PublicHealth, RequestStatuses.Ready,
            requesterName: "County Health Department");
        var (_, bytes) = await BuiltPackets.AddAsync(Browser.Database, request);
        var specialist = await Personas.CreateAsync(Browser.Factory.Services, Roles.RoiSpecialist);

        var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Browser.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#email", specialist.Email);
        await page.FillAsync("#password", specialist.Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=signed-in-user]")).ToHaveTextAsync(specialist.Email);

        // Fees: no MA schedule in a fresh database, so a policy fee with its reason; then the invoice.
        await page.GotoAsync($"/Roi/Requests/{request}/Fees");
        await Assertions.Expect(page.Locator("[data-testid=fee-no-schedule]")).ToBeVisibleAsync();
        await page.GetByLabel("Policy fee (USD)").FillAsync("15.00");
        await page.GetByLabel("Reason for the policy fee").FillAsync("agency copy fee set by the HIM committee");
        await page.ClickAsync("[data-testid=recalculate]");
        await Assertions.Expect(page.Locator("[data-testid=fee-total]")).ToHaveTextAsync("$15.00");
        await page.ClickAsync("[data-testid=issue-invoice]");
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("issued");
        await Assertions.Expect(page.Locator("[data-testid=request-status]")).ToHaveTextAsync("invoiced");
        await Assertions.Expect(page.Locator("[data-testid=invoice-balance]")).ToHaveTextAsync("$15.00");

        // Payment in full.
        await page.GetByLabel("Amount paid (USD)").FillAsync("15.00");
        await page.GetByLabel("Method").SelectOptionAsync("check");
        await page.GetByLabel("Reference (check number, receipt)").FillAsync("CHK 2211");
        await page.ClickAsync("[data-testid=record-payment]");
        await Assertions.Expect(page.Locator("[data-testid=invoice-balance]")).ToHaveTextAsync("$0.00");

        // Delivery by secure link: the address is shown once.
        await page.ClickAsync("[data-testid=tab-delivery]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/Roi/Requests/{request}/Delivery$"));
        await page.ClickAsync("[data-testid=create-link]");
        await Assertions.Expect(page.Locator("[data-testid=request-status]")).ToHaveTextAsync("delivered");
        var link = await page.Locator("[data-testid=download-link]").GetAttributeAsync("href");
        link.ShouldNotBeNull();
        link.ShouldContain("/Release?token=");
        await Assertions.Expect(page.Locator("[data-testid=disclosure-recorded]")).ToContainTextAsync("in the accounting of disclosures");

        // The recipient, in a browser of their own with no session.
        var anonymous = await Browser.Browser.NewContextAsync();
        var recipient = await anonymous.NewPageAsync();
        await recipient.GotoAsync(link);
        var download = await recipient.RunAndWaitForDownloadAsync(() => recipient.ClickAsync("[data-testid=release-download]"));
        var path = await download.PathAsync();
        (await File.ReadAllBytesAsync(path)).ShouldBe(bytes);
        download.SuggestedFilename.ShouldEndWith(".pdf");

        // The download is on the delivery page, and the disclosure in the patient's accounting.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("[data-testid=link-downloads]")).ToHaveTextAsync("1 of 3");
        await Assertions.Expect(page.Locator("[data-testid=download-event]")).ToContainTextAsync("served");
        await page.ClickAsync("[data-testid=nav-roi-accounting]");
        await page.FillAsync("[data-testid=search-family]", "Delivery");
        await page.ClickAsync("[data-testid=search]");
        await page.Locator("[data-testid=open-accounting]").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=accounting-recipient]")).ToContainTextAsync("County Health Department");
        await anonymous.DisposeAsync();
        await context.DisposeAsync();
    }
}

public sealed class RoiDeliveryBrowserFixture : IAsyncLifetime
{
    public BrowserFixture Browser { get; } = new();

    public Task InitializeAsync() => Browser.InitializeAsync();

    public Task DisposeAsync() => Browser.DisposeAsync();
}
