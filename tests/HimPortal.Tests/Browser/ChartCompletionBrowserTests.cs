using System.Text.RegularExpressions;
using HimPortal.Application.Access;
using HimPortal.Application.Completion.Aging.AgeRecords;
using HimPortal.Application.Completion.Status;
using HimPortal.Cli.Demo;
using HimPortal.Tests.Completion;
using HimPortal.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace HimPortal.Tests.Browser;

/// <summary>
/// Issue 18's "done when", in Chromium, from imported stays to the suspension list. Two stays are imported through the
/// real import and analysed. The first stay's surgeon finds its deficiencies in their inbox on their home page: they sign
/// the unsigned operative report (password re-authentication), write and sign the missing discharge summary from the
/// prefilled template, and refuse the verbal order as not theirs. HIM reassigns the order to the covering physician, who
/// signs it; the stay is then ready and HIM marks it complete (`completion status` says so). The second stay is left
/// alone: on the fake clock it ages past delinquency and the bylaws' days, and its physician is on the HIM manager's
/// suspension list, while the first stay's surgeon is not.
/// </summary>
public sealed class ChartCompletionBrowserTests(ChartCompletionBrowserFixture fixture) : IClassFixture<ChartCompletionBrowserFixture>
{
    private BrowserFixture Browser => fixture.Browser;

    [Fact]
    public async Task Imported_stays_reach_the_right_inboxes_a_physician_clears_one_it_becomes_complete_and_the_one_left_alone_ages_onto_the_suspension_list()
    {
        var database = Browser.Database;
        var patient = await ClinicalData.PatientIdAsync(database, ClinicalData.Smallest);
        var mrn = await database.ScalarAsync<string>($"SELECT mrn FROM clinical.patients WHERE id = '{patient}'");
        var npis = await FreeNpisAsync(database, 3);
        var (surgeonNpi, coveringNpi, neglectfulNpi) = (npis[0], npis[1], npis[2]);
        var surgeon = await Personas.CreateAsync(Browser.Factory.Services, Roles.Physician, npi: surgeonNpi);
        var covering = await Personas.CreateAsync(Browser.Factory.Services, Roles.Physician, npi: coveringNpi);
        var analyst = await Personas.CreateAsync(Browser.Factory.Services, Roles.HimClerk);
        var manager = await Personas.CreateAsync(Browser.Factory.Services, Roles.HimManager);

        // Stay 1: an appendectomy. H&P, consent and anesthesia evaluations signed; the operative report unsigned; no
        // discharge summary; a verbal order given in the surgeon's name.
        var now = DateTimeOffset.UtcNow;
        var admitted = new DateTimeOffset(now.Year, now.Month, now.Day, 8, 0, 0, TimeSpan.Zero).AddDays(-5);
        var discharged = admitted.AddDays(3);
        var doctor = StayBundle.Practitioner(surgeonNpi);
        var stay = await Stays.ForStoredPatientAsync(database, patient, "IMP", admitted, discharged);
        stay.Participant(doctor, "ADM").Participant(doctor, "ATND").Participant(doctor, "DIS").Participant(StayBundle.Practitioner(coveringNpi), "CON");
        var surgeryStart = admitted.AddHours(6);
        stay.Procedure("80146002", "Appendectomy", surgeryStart, surgeryStart.AddHours(1), doctor);
        stay.Document("34117-2", "History and physical note", admitted.AddHours(2), doctor, authenticated: true, "H&P: right lower quadrant pain.");
        stay.Document("59284-0", "Patient consent", admitted.AddHours(3), doctor, authenticated: true, "Consent to appendectomy.");
        stay.Document("34750-0", "Anesthesia note", admitted.AddHours(4), doctor, authenticated: true, "Pre-anesthesia evaluation: ASA 1.");
        stay.Document("34750-0", "Anesthesia note", surgeryStart.AddHours(2), doctor, authenticated: true, "Post-anesthesia evaluation: stable.");
        stay.Document("11504-8", "Surgical operation note", surgeryStart.AddHours(2), doctor, authenticated: false, "Laparoscopic appendectomy, no complications.");
        stay.Order("313782", "Acetaminophen 325 MG Oral Tablet", surgeryStart.AddHours(3), doctor, "VERBAL");

        // Stay 2: left alone; its discharge summary is missing and owed by its discharging physician.
        var neglected = await Stays.ForStoredPatientAsync(database, patient, "IMP", admitted, discharged);
        var other = StayBundle.Practitioner(neglectfulNpi);
        neglected.Participant(other, "ADM").Participant(other, "ATND").Participant(other, "DIS");
        neglected.Document("34117-2", "History and physical note", admitted.AddHours(1), other, authenticated: true, "H&P.");

        // Two imports, as two feeds' messages would arrive (each bundle carries the patient's Patient resource).
        await Stays.ImportAsync(database, stay);
        await Stays.ImportAsync(database, neglected);
        await Stays.AnalyseAsync(database);
        var stayId = await Stays.EncounterIdAsync(database, stay.EncounterFhirId);
        var neglectedId = await Stays.EncounterIdAsync(database, neglected.EncounterFhirId);
        (await database.ScalarAsync<string>($"""
            SELECT string_agg(d.kind, ',' ORDER BY d.kind) FROM completion.deficiencies d JOIN clinical.practitioners p ON p.id = d.responsible_practitioner_id
            WHERE d.encounter_id = '{stayId}' AND d.status = 'open' AND p.npi = '{surgeonNpi}'
            """)).ShouldBe("missing-document,order-authentication,signature");
        (await database.ScalarAsync<long>($"SELECT count(*) FROM completion.deficiencies WHERE encounter_id = '{stayId}' AND status = 'open'")).ShouldBe(3);
        (await database.ScalarAsync<string>($"""
            SELECT p.npi FROM completion.deficiencies d JOIN clinical.practitioners p ON p.id = d.responsible_practitioner_id
            WHERE d.encounter_id = '{neglectedId}' AND d.status = 'open' AND d.document_type = '18842-5'
            """)).ShouldBe(neglectfulNpi);

        // The surgeon signs in: their home shows the three, before the chart search.
        var page = await SignInAsync(surgeon);
        var home = page.Locator("[data-testid=home-inbox] [data-testid=inbox-row]");
        await Assertions.Expect(home).ToHaveCountAsync(3);

        // Sign the operative report.
        await page.ClickAsync("[data-testid=nav-completion-inbox]");
        await page.Locator("[data-testid=inbox-row][data-kind=signature] [data-testid=inbox-sign]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=sign-text]")).ToContainTextAsync("Laparoscopic appendectomy");
        await page.CheckAsync("[data-testid=sign-attest]");
        await page.FillAsync("[data-testid=sign-password]", surgeon.Password);
        await page.ClickAsync("[data-testid=sign-submit]");
        await Assertions.Expect(page.Locator("[data-testid=inbox-done]")).ToContainTextAsync("signed");

        // Write the missing discharge summary from the template (prefilled with the stay's procedure) and sign it.
        await page.Locator("[data-testid=inbox-row][data-kind=missing-document] [data-testid=inbox-write]").ClickAsync();
        await page.ClickAsync("[data-testid=write-start]");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/Completion/Inbox/Draft/[0-9a-f-]{36}$"));
        await Assertions.Expect(page.Locator("[data-testid=draft-text]")).ToContainTextAsync("Appendectomy");
        var template = await page.InputValueAsync("[data-testid=draft-text]");
        await page.FillAsync("[data-testid=draft-text]", template + "\nUneventful recovery; home on day 3.");
        await page.ClickAsync("[data-testid=draft-save]");
        await page.CheckAsync("[data-testid=sign-attest]");
        await page.FillAsync("[data-testid=sign-password]", surgeon.Password);
        await page.ClickAsync("[data-testid=draft-sign]");
        await Assertions.Expect(page.Locator("[data-testid=inbox-done]")).ToContainTextAsync("written");

        // Refuse the verbal order: the covering physician gave it.
        var order = Guid.Parse((await page.Locator("[data-testid=inbox-row][data-kind=order-authentication]").GetAttributeAsync("data-deficiency"))!);
        await page.Locator("[data-testid=inbox-row][data-kind=order-authentication] [data-testid=inbox-sign]").ClickAsync();
        await page.FillAsync("[data-testid=refuse-reason]", "Not my order: given by the covering physician overnight.");
        await page.ClickAsync("[data-testid=refuse-submit]");
        await Assertions.Expect(page.Locator("[data-testid=inbox-done]")).ToContainTextAsync("refused");
        await Assertions.Expect(page.Locator("[data-testid=inbox-empty]")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
        await Stays.AnalyseAsync(database);

        // HIM finds the refusal in its queue and reassigns it to the covering physician.
        page = await SignInAsync(analyst);
        await page.ClickAsync("[data-testid=nav-completion-him]");
        var queued = page.Locator($"[data-testid=him-queue-row][data-deficiency='{order}']");
        await Assertions.Expect(queued.Locator("[data-testid=refused-reason]")).ToContainTextAsync("Not my order");
        await queued.Locator("[data-testid=open-stay]").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/Completion/Him/Stays/{stayId}$"));
        var line = page.Locator($"[data-testid=stay-deficiency-row][data-deficiency='{order}']");
        await line.Locator("[data-testid=reassign-other]").FillAsync(coveringNpi);
        await line.Locator("[data-testid=reassign-submit]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=notice]")).ToContainTextAsync("assigned");
        await page.ClickAsync("[data-testid=mark-complete]");
        await Assertions.Expect(page.Locator("[data-testid=form-error]")).ToContainTextAsync("open deficiency");
        var analystPage = page;

        // The covering physician signs the order from their inbox.
        page = await SignInAsync(covering);
        await page.ClickAsync("[data-testid=nav-completion-inbox]");
        await page.Locator($"[data-testid=inbox-row][data-deficiency='{order}'] [data-testid=inbox-sign]").ClickAsync();
        await page.CheckAsync("[data-testid=sign-attest]");
        await page.FillAsync("[data-testid=sign-password]", covering.Password);
        await page.ClickAsync("[data-testid=sign-submit]");
        await Assertions.Expect(page.Locator("[data-testid=inbox-done]")).ToContainTextAsync("signed");
        await page.Context.CloseAsync();
        await Stays.AnalyseAsync(database);

        // Nothing is open: HIM marks the record complete.
        await analystPage.GotoAsync($"/Completion/Him/Stays/{stayId}");
        await Assertions.Expect(analystPage.Locator("[data-testid=stay-status]")).ToHaveTextAsync("ready");
        await analystPage.ClickAsync("[data-testid=mark-complete]");
        await Assertions.Expect(analystPage.Locator("[data-testid=stay-status]")).ToHaveTextAsync("complete");
        await analystPage.Context.CloseAsync();

        var status = await StatusAsync(database, mrn);
        var first = status.Stays.Single(s => s.Encounter == stay.EncounterFhirId);
        first.Complete.ShouldBeTrue();
        first.Deficiencies.ShouldAllBe(d => d.Status == "resolved");
        var second = status.Stays.Single(s => s.Encounter == neglected.EncounterFhirId);
        second.Complete.ShouldBeFalse();
        second.Deficiencies.ShouldContain(d => d.Status == "open" && d.Responsible == neglectfulNpi && !d.Delinquent);

        // The stay left alone ages on the fake clock: delinquent 30 days after discharge, suspended after 7 more.
        var clock = new TestClock();
        clock.Set(discharged.AddDays(30 + 7 + 1));
        await AgeAsync(database, clock);
        (await database.ScalarAsync<long>($"""
            SELECT count(*) FROM completion.notices n JOIN clinical.practitioners p ON p.id = n.practitioner_id
            WHERE p.npi = '{neglectfulNpi}' AND n.kind = 'delinquent'
            """)).ShouldBe(1);

        page = await SignInAsync(manager);
        await page.ClickAsync("[data-testid=nav-completion-suspensions]");
        await Assertions.Expect(page.Locator($"[data-testid=suspension-row][data-npi='{neglectfulNpi}']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator($"[data-testid=suspension-row][data-npi='{surgeonNpi}']")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    private async Task<IPage> SignInAsync(Persona persona)
    {
        var context = await Browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Browser.BaseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#email", persona.Email);
        await page.FillAsync("#password", persona.Password);
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("[data-testid=signed-in-user]")).ToHaveTextAsync(persona.Email);
        return page;
    }

    private static async Task<List<string>> FreeNpisAsync(TestDatabase database, int count)
    {
        var npis = new List<string>();
        for (var i = 0; i < count; i++)
        {
            npis.Add(await database.ScalarAsync<string>($"""
                SELECT p.npi FROM clinical.practitioners p
                WHERE p.npi IS NOT NULL AND NOT EXISTS (SELECT FROM identity.users u WHERE u.practitioner_npi = p.npi)
                GROUP BY p.npi HAVING count(*) = 1 ORDER BY p.npi OFFSET {i} LIMIT 1
                """));
        }

        return npis;
    }

    private static async Task<PatientCompletionStatus> StatusAsync(TestDatabase database, string mrn)
    {
        await using var services = database.Services();
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<CompletionStatusHandler>().HandleAsync(new CompletionStatusQuery(mrn), CancellationToken.None);
        result.Error.ShouldBeNull();
        return result.Value!;
    }

    private static async Task AgeAsync(TestDatabase database, TimeProvider clock)
    {
        await using var services = database.Services(clock: clock);
        await using var scope = services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<AgeRecordsHandler>().HandleAsync(new AgeRecordsCommand(), CancellationToken.None);
        result.Error.ShouldBeNull();
    }
}

public sealed class ChartCompletionBrowserFixture : IAsyncLifetime
{
    public BrowserFixture Browser { get; } = new();

    public async Task InitializeAsync()
    {
        await Browser.InitializeAsync();
        await ClinicalData.ImportAsync(Browser.Database, ClinicalData.Smallest);
    }

    public Task DisposeAsync() => Browser.DisposeAsync();
}
