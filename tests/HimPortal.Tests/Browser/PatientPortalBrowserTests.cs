using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Roi.Delivery.CreateDownloadLink;
using HimPortal.Application.Roi.MoveRequest;
using HimPortal.Application.Roi.Packets.CheckPacket;
using HimPortal.Application.Roi.Packets.QueuePacket;
using HimPortal.Data.Roi;
using HimPortal.Tests.Documents;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Roi.Packets;
using Microsoft.Playwright;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Browser;

/// <summary>
/// Issue 19's "Done when", end to end in real browsers: a patient, at phone size, activates an account from a letter,
/// signs in with a second factor, reads their record, requests a copy and downloads it when the ROI specialist releases
/// it, asks for a correction, and sees who opened their chart; another patient's data is unreachable from their account
/// by every means tried here. Every portal page passed is checked with axe-core.
/// </summary>
public sealed class PatientPortalBrowserTests(PortalBrowserFixture fixture) : IClassFixture<PortalBrowserFixture>
{
    private TestDatabase Db => fixture.Database;

    [Fact]
    public async Task A_patient_on_a_phone_activates_reads_gets_a_copy_asks_for_a_correction_and_sees_who_looked_and_reaches_no_one_elses_data()
    {
        await ClinicalData.ImportAsync(Db, ClinicalData.Smallest, ClinicalData.Cortes);
        var patientId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Smallest);
        var otherId = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        var family = await Db.ScalarAsync<string>($"SELECT family_name FROM clinical.patients WHERE id = '{patientId}'");
        var born = await Db.ScalarAsync<string>($"SELECT to_char(birth_date, 'YYYY-MM-DD') FROM clinical.patients WHERE id = '{patientId}'");
        var clerk = await Personas.CreateAsync(fixture.Staff.Services, Roles.HimClerk);

        // 1. The letter, activation, the second factor.
        var code = await PortalJourney.IssueLetterAsync(fixture, clerk, family);
        var page = await fixture.PhoneAsync(axe: true);
        var account = await PortalJourney.ActivateAndEnrolAsync(fixture, page, code, born, family);
        await page.ClickAsync("[data-testid=go-sign-in]");
        await PortalJourney.SignInWithCodeAsync(fixture, page, account);

        // 2. My record, and one of its notes.
        await page.ClickAsync("[data-testid=nav-record]");
        await Assertions.Expect(page.Locator("[data-testid=record-title]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=whose-record]")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);
        await NoSidewaysScrollAsync(page);
        await page.Locator("[data-testid=open-note]").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=note-text]")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);

        // 3. A correction of that note: the change, the reason, sent.
        await page.ClickAsync("[data-testid=ask-correction]");
        await Assertions.Expect(page.Locator("[data-testid=correction-item]")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.FillAsync("[data-testid=correction-change]", "The note says I smoke; I have never smoked.");
        await page.FillAsync("[data-testid=correction-reason]", "It is wrong and my insurer reads it.");
        await page.ClickAsync("[data-testid=correction-submit]");
        await Assertions.Expect(page.Locator("[data-testid=correction]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=correction-clock]")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);
        (await Db.ScalarAsync<string>($"SELECT status FROM portal.amendments WHERE patient_id = '{patientId}'")).ShouldBe("received");

        // 4. A copy of everything, as a PDF: the fee is shown before it is confirmed.
        await page.ClickAsync("[data-testid=nav-copies]");
        await page.ClickAsync("[data-testid=ask-copy]");
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.CheckAsync("[data-testid=what-everything]");
        await page.CheckAsync("[data-testid=format-pdf]");
        await page.ClickAsync("[data-testid=review-copy]");
        await Assertions.Expect(page.Locator("[data-testid=fee-total]")).ToBeVisibleAsync();
        await Axe.AssertNoSeriousViolationsAsync(page);
        await page.ClickAsync("[data-testid=confirm-copy]");
        await Assertions.Expect(page.Locator("[data-testid=copy]")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-testid=copy-status]")).ToContainTextAsync("Received");
        var requestId = await Db.ScalarAsync<Guid>($"SELECT id FROM roi.requests WHERE patient_id = '{patientId}' AND requester_type = 'patient'");

        // 5. The ROI specialist works the request from the worklist through to release by secure download.
        await using (var specialist = await PacketSteps.AsAsync(Db))
        {
            (await specialist.HandleAsync<MoveRequestHandler, Result<uint>>(async h =>
                await h.HandleAsync(new MoveRequestCommand(requestId, RequestStatuses.Processing, null, await VersionAsync(requestId)), CancellationToken.None))).Error.ShouldBeNull();
            (await PacketSteps.SelectAsync(specialist, requestId)).ShouldNotBeNull();
            // Queued as the specialist's page queues it; the staff host's job runner builds it.
            var page0 = await PacketSteps.PageAsync(specialist, requestId);
            var queued = await specialist.HandleAsync<QueuePacketHandler, Result<Guid>>(h =>
                h.HandleAsync(new QueuePacketCommand(requestId, page0.RequestVersion), CancellationToken.None));
            queued.Error.ShouldBeNull();
            for (var waited = 0; waited < 120 && await Db.ScalarAsync<string>($"SELECT status FROM roi.packets WHERE id = '{queued.Value}'") is PacketStatuses.Queued or PacketStatuses.Building; waited++)
            {
                await Task.Delay(500);
            }

            var packet = await PacketSteps.PacketAsync(Db, queued.Value);
            packet.Status.ShouldBe(PacketStatuses.Built);
            (await specialist.HandleAsync<CheckPacketHandler, Result<bool>>(h =>
                h.HandleAsync(new CheckPacketCommand(requestId, packet.Id, packet.Version), CancellationToken.None))).Error.ShouldBeNull();
            (await specialist.HandleAsync<CreateDownloadLinkHandler, Result<DownloadLinkCreated>>(async h =>
                await h.HandleAsync(new CreateDownloadLinkCommand(requestId, await VersionAsync(requestId), SendEmail: false), CancellationToken.None))).Error.ShouldBeNull();
        }

        // 6. The patient downloads it in the portal: a clean PDF of their own record.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("[data-testid=copy-status]")).ToContainTextAsync("Ready");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=download-copy]"));
        var file = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".pdf");
        await download.SaveAsAsync(file);
        var bytes = await File.ReadAllBytesAsync(file);
        File.Delete(file);
        await Qpdf.CheckAsync(bytes);
        using (var pdf = PdfDocument.Open(bytes))
        {
            string.Concat(pdf.GetPages().Select(p => p.Text)).ShouldContain(family);
        }

        // 7. Who looked: the clerk who issued the letter and the specialist who released the copy, in words.
        await page.ClickAsync("[data-testid=nav-access]");
        await Assertions.Expect(page.Locator("[data-testid=access-entry]").First).ToBeVisibleAsync();
        // Names are shown by default: the ROI specialist who worked the copy is named, in a sentence about this chart.
        (await page.Locator("[data-testid=access-sentence]").AllTextContentsAsync())
            .ShouldContain(s => s.Contains("Test RoiSpecialist", StringComparison.Ordinal) && s.Contains("your chart on", StringComparison.Ordinal));
        await Axe.AssertNoSeriousViolationsAsync(page);
        await NoSidewaysScrollAsync(page);

        // 8. Another patient's data, by every address and id tried: nothing, and each try is in the audit.
        var otherNote = await Db.ScalarAsync<Guid>($"SELECT id FROM clinical.clinical_notes WHERE patient_id = '{otherId}' ORDER BY date, id LIMIT 1");
        var deniedBefore = await DeniedAsync(account.Email);
        foreach (var address in new[]
                 {
                     $"/Record/Note?id={otherNote}",
                     $"/Corrections/New?resourceType=DocumentReference&resourceId={otherNote}",
                 })
        {
            var response = await page.APIRequest.GetAsync(fixture.PortalUrl + address);
            response.Status.ShouldBe(404, address);
            (await response.TextAsync()).ShouldNotContain(await Db.ScalarAsync<string>($"SELECT family_name FROM clinical.patients WHERE id = '{otherId}'"));
        }

        // Choosing the other person as "whose record" is refused; the page keeps showing the patient's own.
        var token = await AntiforgeryAsync(page, "/Copies/New");
        var deniedBeforeChoice = await DeniedAsync(account.Email);
        (await page.APIRequest.PostAsync(fixture.PortalUrl + "/People", new APIRequestContextOptions
        {
            Form = Form(page, ("patientId", otherId.ToString()), ("__RequestVerificationToken", token)),
        })).Status.ShouldBe(404);
        (await DeniedAsync(account.Email)).ShouldBe(deniedBeforeChoice + 1);
        deniedBeforeChoice.ShouldBeGreaterThanOrEqualTo(deniedBefore + 2);
        await page.GotoAsync(fixture.PortalUrl + "/Record");
        await Assertions.Expect(page.Locator("[data-testid=whose-record]")).ToContainTextAsync(family);
        await page.Context.CloseAsync();
    }

    private async Task<uint> VersionAsync(Guid request) =>
        (uint)await Db.ScalarAsync<long>($"SELECT xmin::text::bigint FROM roi.requests WHERE id = '{request}'");

    private Task<long> DeniedAsync(string email) =>
        Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events e JOIN identity.users u ON u.id = e.user_id WHERE u.email = '{email}' AND e.outcome = 'denied'");

    private async Task<string> AntiforgeryAsync(IPage page, string path)
    {
        var html = await (await page.APIRequest.GetAsync(fixture.PortalUrl + path)).TextAsync();
        return HimPortalFactory.AntiforgeryToken(html);
    }

    private static IFormData Form(IPage page, params (string Name, string Value)[] fields)
    {
        var form = page.APIRequest.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }

        return form;
    }

    private static async Task NoSidewaysScrollAsync(IPage page) =>
        (await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth")).ShouldBeLessThanOrEqualTo(360);
}
