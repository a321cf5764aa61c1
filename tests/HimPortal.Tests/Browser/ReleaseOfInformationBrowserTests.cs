using System.Globalization;
using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Application.Roi.Authorizations;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Roi.Packets;
using Microsoft.Playwright;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Browser;

/// <summary>
/// Issue 17's "done when", in Chromium, from the specialist's navigation to the patient's accounting: an ROI specialist
/// logs a third party's request, records its authorization, finds it deficient (no redisclosure statement), sends the
/// deficiency letter, records the corrected authorization that checks valid, selects the packet (a note labelled HIV,
/// which the authorization does not cover, is left out), redacts a region of a note, builds the packet by the job and
/// checks it, charges the fee and records its payment, and releases it by secure link; the recipient downloads it in a
/// browser of their own; the release is in the patient's accounting page (apart from the 164.528 list: a release under
/// an authorization is excluded from the required accounting, 164.528(a)(1)(iv)).
/// </summary>
public sealed class ReleaseOfInformationBrowserTests(ReleaseOfInformationBrowserFixture fixture) : IClassFixture<ReleaseOfInformationBrowserFixture>
{
    private BrowserFixture Browser => fixture.Browser;

    [Fact]
    public async Task A_third_party_request_goes_from_a_deficient_authorization_to_a_delivered_packet_in_the_patients_accounting()
    {
        var database = Browser.Database;
        var patient = await ClinicalData.PatientIdAsync(database, ClinicalData.Smallest);
        var mrn = await database.ScalarAsync<string>($"SELECT mrn FROM clinical.patients WHERE id = '{patient}'");
        var family = await database.ScalarAsync<string>($"SELECT family_name FROM clinical.patients WHERE id = '{patient}'");
        var hivNote = await database.ScalarAsync<Guid>($"SELECT id FROM clinical.clinical_notes WHERE patient_id = '{patient}' ORDER BY date DESC, id LIMIT 1");
        await PacketSteps.LabelAsync(database, patient, "DocumentReference", hivNote, "HIV");
        var specialist = await Personas.CreateAsync(Browser.Factory.Services, Roles.RoiSpecialist);

        var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Browser.BaseUrl, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#email", specialist.Email);
        await page.FillAsync("#password", specialist.Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=home-title]")).ToHaveTextAsync("Release of information");

        // 1. Log the request from the navigation: the patient found by MRN, an attorney's office with an authorization.
        await page.ClickAsync("[data-testid=nav-roi-new-request]");
        await page.FillAsync("[data-testid=search-mrn]", mrn);
        await page.ClickAsync("[data-testid=search-patient]");
        await page.Locator("[data-testid=choose-patient]").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=chosen-mrn]")).ToContainTextAsync(mrn);
        await page.CheckAsync("[data-testid=requester-type-authorized-third-party]");
        await page.FillAsync("[data-testid=requester-name]", "Smith Disability Law");
        await page.FillAsync("[data-testid=requester-address]", "12 Court Street\nBoston, MA 02108");
        await page.FillAsync("[data-testid=requester-email]", "records@smith-law.example");
        await page.FillAsync("[data-testid=purpose]", "Disability claim");
        await page.CheckAsync("[data-testid=scope-designated-record-set]");
        await page.SelectOptionAsync("[data-testid=format]", "pdf");
        await page.SelectOptionAsync("[data-testid=delivery]", "secure-download");
        await page.ClickAsync("[data-testid=save-request]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Roi/Requests/[0-9a-f-]{36}$"));
        var request = Guid.Parse(Regex.Match(page.Url, "[0-9a-f-]{36}$").Value);
        await Assertions.Expect(page.Locator("[data-testid=due-rule]").First).ToBeVisibleAsync();

        // 2. The authorization, deficient: no redisclosure statement. The deficiency letter names it with its rule.
        await page.ClickAsync("[data-testid=tab-authorization]");
        await FillAuthorizationAsync(page, "[data-testid=record-form]");
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("Authorization recorded");
        await CheckAuthorizationAsync(page, AuthorizationElements.RedisclosureStatement, "no redisclosure statement on the form");
        await Assertions.Expect(page.Locator("[data-testid=status]")).ToContainTextAsync("waiting-for-information");
        var letter = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=deficiency-letter]"));
        var letterText = Text(await File.ReadAllBytesAsync((await letter.PathAsync())!));
        letterText.ShouldContain(AuthorizationElements.For(AuthorizationElements.RedisclosureStatement).Citation);

        // 3. The corrected authorization checks valid; the request goes on to processing.
        await FillAuthorizationAsync(page, "[data-testid=correct-form]");
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("Corrected authorization recorded");
        await CheckAuthorizationAsync(page, null, null);
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("The authorization is valid.");
        await Assertions.Expect(page.Locator("[data-testid=status]")).ToContainTextAsync("processing");

        // 4. The packet: the HIV-labelled note is left out (not covered); a region of another note is redacted.
        await page.ClickAsync("[data-testid=tab-packet]");
        await page.ClickAsync("[data-testid=select-items]");
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToBeVisibleAsync();
        var hivRow = page.Locator("tr[data-included=false]", new PageLocatorOptions { HasText = "HIV" });
        await Assertions.Expect(hivRow.First).ToContainTextAsync("left out");
        var note = page.Locator("tr[data-item-type=DocumentReference][data-included=true]").First;
        var itemId = (await note.GetAttributeAsync("data-testid"))!["item-".Length..];
        await page.ClickAsync($"[data-testid=preview-{itemId}]");
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=preview-image]').naturalWidth > 0");
        await page.FillAsync("[data-testid=redact-left]", "5");
        await page.FillAsync("[data-testid=redact-top]", "10");
        await page.FillAsync("[data-testid=redact-width]", "60");
        await page.FillAsync("[data-testid=redact-height]", "5");
        await page.FillAsync("[data-testid=redact-reason]", "a third party's name");
        await page.ClickAsync("[data-testid=redact-submit]");
        await Assertions.Expect(page.Locator("[data-testid=redactions] tbody tr")).ToHaveCountAsync(1);
        await page.ClickAsync("[data-testid=build-packet]");
        await Assertions.Expect(page.Locator("[data-testid=packet-status]")).ToHaveTextAsync("built", new() { Timeout = 90_000 });
        await page.ClickAsync("[data-testid=check-packet]");
        await Assertions.Expect(page.Locator("[data-testid=request-status]")).ToHaveTextAsync("ready");

        // 5. The fee: no schedule for the state in a fresh database, so a policy fee with its reason; invoice; payment.
        await page.ClickAsync("[data-testid=tab-fees]");
        await page.GetByLabel("Policy fee (USD)").FillAsync("12.50");
        await page.GetByLabel("Reason for the policy fee").FillAsync("attorney copy fee set by the HIM committee");
        await page.ClickAsync("[data-testid=recalculate]");
        await Assertions.Expect(page.Locator("[data-testid=fee-total]")).ToHaveTextAsync("$12.50");
        await page.ClickAsync("[data-testid=issue-invoice]");
        await Assertions.Expect(page.Locator("[data-testid=request-status]")).ToHaveTextAsync("invoiced");
        await page.GetByLabel("Amount paid (USD)").FillAsync("12.50");
        await page.GetByLabel("Method").SelectOptionAsync("check");
        await page.GetByLabel("Reference (check number, receipt)").FillAsync("CHK 1044");
        await page.ClickAsync("[data-testid=record-payment]");
        await Assertions.Expect(page.Locator("[data-testid=invoice-balance]")).ToHaveTextAsync("$0.00");

        // 6. Delivery by secure link; the recipient downloads the packet in a browser of their own.
        await page.ClickAsync("[data-testid=tab-delivery]");
        await page.ClickAsync("[data-testid=create-link]");
        await Assertions.Expect(page.Locator("[data-testid=request-status]")).ToHaveTextAsync("delivered");
        var link = await page.Locator("[data-testid=download-link]").GetAttributeAsync("href");
        link.ShouldNotBeNull();
        var anonymous = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions { AcceptDownloads = true });
        var recipient = await anonymous.NewPageAsync();
        await recipient.GotoAsync(link);
        var download = await recipient.RunAndWaitForDownloadAsync(() => recipient.ClickAsync("[data-testid=release-download]"));
        var packet = await File.ReadAllBytesAsync((await download.PathAsync())!);
        var packetText = Text(packet);
        packetText.ShouldContain("Smith Disability Law");
        await anonymous.DisposeAsync();

        // 7. The release is on the patient's accounting page: a release under an authorization, apart from the 164.528 list.
        await page.ClickAsync("[data-testid=nav-roi-accounting]");
        await page.FillAsync("[data-testid=search-family]", family);
        await page.ClickAsync("[data-testid=search]");
        await page.Locator("[data-testid=open-accounting]").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=other-recipient]")).ToContainTextAsync("Smith Disability Law");
        await Assertions.Expect(page.Locator("[data-testid=accounting-recipient]", new PageLocatorOptions { HasText = "Smith Disability Law" }))
            .ToHaveCountAsync(0);
        (await database.ScalarAsync<long>($"SELECT count(*) FROM roi.disclosures WHERE request_id = '{request}' AND NOT accountable")).ShouldBe(1);
        await context.CloseAsync();
    }

    private static string Text(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(p => p.Text));
    }

    private static async Task FillAuthorizationAsync(IPage page, string form)
    {
        var today = DateTime.UtcNow;
        var scope = page.Locator(form);
        await scope.GetByLabel("Description of the information").FillAsync("All records of the patient's care");
        await scope.GetByLabel("Who may disclose").FillAsync("The hospital's HIM department");
        await scope.GetByLabel("Who may receive").FillAsync("Smith Disability Law");
        await scope.GetByLabel("Purpose").FillAsync("Disability claim");
        await scope.Locator("[data-testid=record-expires-on]").FillAsync(today.AddYears(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await scope.Locator("[data-testid=record-signed-on]").FillAsync(today.AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        await scope.Locator("[data-testid=record-submit]").ClickAsync();
    }

    private static async Task CheckAuthorizationAsync(IPage page, string? missing, string? note)
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

public sealed class ReleaseOfInformationBrowserFixture : IAsyncLifetime
{
    public BrowserFixture Browser { get; } = new();

    public async Task InitializeAsync()
    {
        await Browser.InitializeAsync();
        await ClinicalData.ImportAsync(Browser.Database, ClinicalData.Smallest);
    }

    public Task DisposeAsync() => Browser.DisposeAsync();
}
