using HimPortal.Application.Access;
using HimPortal.Data.Roi;
using HimPortal.Tests.Browser;
using HimPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace HimPortal.Tests.Roi.Packets;

public sealed class PacketBrowserFixture : IAsyncLifetime
{
    public BrowserFixture Browser { get; } = new();

    public async Task InitializeAsync()
    {
        await Browser.InitializeAsync();
        await ClinicalData.ImportAsync(Browser.Database, ClinicalData.Smallest);
    }

    public Task DisposeAsync() => Browser.DisposeAsync();
}

/// <summary>
/// In Chromium: an ROI specialist selects a third party's packet (a sensitive segment left out, a covered one in), marks a
/// redaction on a page preview, builds the packet, is refused its check (sensitive content), and a second specialist checks it.
/// </summary>
public sealed class PacketBrowserTests(PacketBrowserFixture fixture) : IClassFixture<PacketBrowserFixture>
{
    private BrowserFixture Browser => fixture.Browser;

    private async Task<IPage> SignInAsync(IBrowserContext context, Persona persona)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#email", persona.Email);
        await page.FillAsync("#password", persona.Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=signed-in-user]")).ToHaveTextAsync(persona.Email);
        return page;
    }

    [Fact]
    public async Task A_specialist_builds_a_packet_with_a_redaction_and_a_second_specialist_checks_it()
    {
        var database = Browser.Database;
        var patient = await ClinicalData.PatientIdAsync(database, ClinicalData.Smallest);
        var notes = await database.ScalarAsync<string>($"SELECT string_agg(id::text, ',' ORDER BY date, id) FROM clinical.clinical_notes WHERE patient_id = '{patient}'");
        var reports = await database.ScalarAsync<string>($"SELECT string_agg(id::text, ',' ORDER BY effective_at, id) FROM clinical.diagnostic_reports WHERE patient_id = '{patient}'");
        var covered = Guid.Parse(reports.Split(',')[0]);
        var uncovered = Guid.Parse(notes.Split(',')[^1]);
        await PacketSteps.LabelAsync(database, patient, "DiagnosticReport", covered, "BH");
        await PacketSteps.LabelAsync(database, patient, "DocumentReference", uncovered, "HIV");
        var authorization = await PacketSteps.AuthorizationAsync(database, patient, labels: ["BH"]);
        var request = await ReleaseRequests.AddAsync(database, patient, RequesterTypes.AuthorizedThirdParty, RequestStatuses.Processing,
            authorizationId: authorization, requesterName: "Lee Adjuster");
        var first = await Personas.CreateAsync(Browser.Factory.Services, Roles.RoiSpecialist);
        var second = await Personas.CreateAsync(Browser.Factory.Services, Roles.RoiSpecialist);

        var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Browser.BaseUrl });
        var page = await SignInAsync(context, first);
        await page.GotoAsync($"/Roi/Requests/{request}/Packet");
        await Assertions.Expect(page.Locator("[data-testid=tab-packet]")).ToBeVisibleAsync();
        await page.ClickAsync("[data-testid=select-items]");
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToBeVisibleAsync();
        var left = page.Locator($"tr[data-included=false]", new PageLocatorOptions { HasText = "HIV" });
        await Assertions.Expect(left.First).ToContainTextAsync("left out");

        var note = page.Locator("tr[data-item-type=DocumentReference][data-included=true]").First;
        var itemId = (await note.GetAttributeAsync("data-testid"))!["item-".Length..];
        await page.ClickAsync($"[data-testid=preview-{itemId}]");
        var image = page.Locator("[data-testid=preview-image]");
        await Assertions.Expect(image).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=preview-image]').naturalWidth > 0");
        await page.FillAsync("[data-testid=redact-left]", "5");
        await page.FillAsync("[data-testid=redact-top]", "10");
        await page.FillAsync("[data-testid=redact-width]", "60");
        await page.FillAsync("[data-testid=redact-height]", "5");
        await page.FillAsync("[data-testid=redact-reason]", "a third party's name");
        await page.ClickAsync("[data-testid=redact-submit]");
        await Assertions.Expect(page.Locator("[data-testid=redactions] tbody tr")).ToHaveCountAsync(1);

        await page.ClickAsync("[data-testid=build-packet]");
        await Assertions.Expect(page.Locator("[data-testid=packet-status]")).ToHaveTextAsync("built", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=packet-sensitive]")).ToContainTextAsync("second person");
        await page.ClickAsync("[data-testid=check-packet]");
        await Assertions.Expect(page.Locator("[data-testid=form-error]")).ToContainTextAsync("second person");
        await context.CloseAsync();

        var other = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Browser.BaseUrl });
        var checker = await SignInAsync(other, second);
        await checker.GotoAsync($"/Roi/Requests/{request}/Packet");
        await checker.ClickAsync("[data-testid=check-packet]");
        await Assertions.Expect(checker.Locator("[data-testid=notice]")).ToContainTextAsync("ready");
        await Assertions.Expect(checker.Locator("[data-testid=request-status]")).ToHaveTextAsync(RequestStatuses.Ready);
        await other.CloseAsync();
    }
}
