using System.Text.RegularExpressions;
using HimPortal.Data.Completion;
using HimPortal.Tests.Completion.Inbox;
using HimPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HimPortal.Tests.Browser;

/// <summary>
/// A physician clears their chart-completion inbox in Chromium (issue 18 item 7): signs an operative note with their
/// password, writes and signs a missing discharge summary, and returns a deficiency to HIM as not theirs.
/// </summary>
public sealed class CompletionInboxBrowserTests(CompletionInboxBrowserFixture fixture) : IClassFixture<CompletionInboxBrowserFixture>
{
    private BrowserFixture Browser => fixture.Browser;

    [Fact]
    public async Task A_physician_signs_a_document_writes_a_missing_discharge_summary_and_refuses_one_and_the_inbox_empties()
    {
        var database = Browser.Database;
        var stay = await InboxWorld.StayAsync(database, Browser.Factory.Services, DateTimeOffset.UtcNow.AddDays(-4));
        var due = DateTimeOffset.UtcNow.AddDays(2);
        var sign = await InboxWorld.DeficiencyAsync(database, stay, DeficiencyKinds.Signature, due, documentId: stay.NoteId);
        var write = await InboxWorld.DeficiencyAsync(database, stay, DeficiencyKinds.MissingDocument, due, documentType: "18842-5");
        var refuse = await InboxWorld.DeficiencyAsync(database, stay, DeficiencyKinds.OrderAuthentication, DateTimeOffset.UtcNow.AddHours(-1), orderId: stay.OrderId);

        var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Browser.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#email", stay.Physician.Email);
        await page.FillAsync("#password", stay.Physician.Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=home-inbox] [data-testid=inbox-row]")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator($"[data-testid=inbox-row][data-deficiency='{refuse}'] [data-testid=mark-overdue]")).ToBeVisibleAsync();

        await page.ClickAsync("[data-testid=nav-completion-inbox]");
        await page.Locator($"[data-testid=inbox-row][data-deficiency='{sign}'] [data-testid=inbox-sign]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=sign-text]")).ToHaveTextAsync(InboxWorld.NoteText);
        await page.ClickAsync("[data-testid=sign-submit]");
        await Assertions.Expect(page.Locator("[data-testid=form-error]")).ToContainTextAsync("attestation");
        await page.CheckAsync("[data-testid=sign-attest]");
        await page.FillAsync("[data-testid=sign-password]", stay.Physician.Password);
        await page.ClickAsync("[data-testid=sign-submit]");
        await Assertions.Expect(page.Locator("[data-testid=inbox-done]")).ToContainTextAsync("signed");

        await page.Locator($"[data-testid=inbox-row][data-deficiency='{write}'] [data-testid=inbox-write]").ClickAsync();
        await page.ClickAsync("[data-testid=write-start]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Completion/Inbox/Draft/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.Locator("[data-testid=draft-text]")).ToContainTextAsync("Diagnoses:");
        var text = await page.InputValueAsync("[data-testid=draft-text]");
        await page.FillAsync("[data-testid=draft-text]", text + "Uneventful recovery; home on day 3.");
        await page.ClickAsync("[data-testid=draft-save]");
        await Assertions.Expect(page.Locator("[data-testid=draft-text]")).ToContainTextAsync("Uneventful recovery");
        await page.CheckAsync("[data-testid=sign-attest]");
        await page.FillAsync("[data-testid=sign-password]", stay.Physician.Password);
        await page.ClickAsync("[data-testid=draft-sign]");
        await Assertions.Expect(page.Locator("[data-testid=inbox-done]")).ToContainTextAsync("written");

        await page.Locator($"[data-testid=inbox-row][data-deficiency='{refuse}'] [data-testid=inbox-sign]").ClickAsync();
        await page.FillAsync("[data-testid=refuse-reason]", "Not my patient: I was not on service that day.");
        await page.ClickAsync("[data-testid=refuse-submit]");
        await Assertions.Expect(page.Locator("[data-testid=inbox-done]")).ToContainTextAsync("refused");
        await Assertions.Expect(page.Locator("[data-testid=inbox-empty]")).ToBeVisibleAsync();

        (await database.ScalarAsync<long>($"SELECT count(*) FROM completion.deficiencies WHERE encounter_id = '{stay.EncounterId}' AND status = 'resolved'")).ShouldBe(2);
        (await database.ScalarAsync<long>($"SELECT count(*) FROM clinical.clinical_notes WHERE encounter_id = '{stay.EncounterId}' AND type_code = '18842-5' AND doc_status = 'final'")).ShouldBe(1);
        (await database.ScalarAsync<bool>($"SELECT responsible_practitioner_id IS NULL FROM completion.deficiencies WHERE id = '{refuse}'")).ShouldBeTrue();
        await context.CloseAsync();
    }
}

public sealed class CompletionInboxBrowserFixture : IAsyncLifetime
{
    public BrowserFixture Browser { get; } = new();

    public async Task InitializeAsync()
    {
        await Browser.InitializeAsync();
        await ClinicalData.ImportAsync(Browser.Database, ClinicalData.Smallest);
    }

    public Task DisposeAsync() => Browser.DisposeAsync();
}
