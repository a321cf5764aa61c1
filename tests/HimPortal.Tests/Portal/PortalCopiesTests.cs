using System.Net;
using HimPortal.Application.Access;
using HimPortal.Application.Common;
using HimPortal.Application.Compliance.Alerts;
using HimPortal.Application.Portal.WhoLooked;
using HimPortal.Application.Roi.Accounting.GetAccounting;
using HimPortal.Application.Roi.Delivery;
using HimPortal.Application.Roi.Delivery.CreateDownloadLink;
using HimPortal.Application.Roi.ListRequests;
using HimPortal.Application.Roi.LogRequest;
using HimPortal.Application.Roi.MoveRequest;
using HimPortal.Application.Roi.Packets.CheckPacket;
using HimPortal.Application.Roi.Portal;
using HimPortal.Application.Roi.Portal.DownloadMyCopy;
using HimPortal.Application.Roi.Portal.ListMyCopies;
using HimPortal.Application.Roi.Portal.MyAccounting;
using HimPortal.Application.Roi.Portal.QuoteCopy;
using HimPortal.Application.Roi.Portal.RequestCopy;
using HimPortal.Application.Roi.Fees.GetInvoicePdf;
using HimPortal.Data.Portal;
using HimPortal.Data.Roi;
using HimPortal.Tests.Documents;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Roi.Packets;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace HimPortal.Tests.Portal;

/// <summary>Issue 19 items 4, 6 and 7: copies through release of information, the accounting, and who looked at the chart.</summary>
public sealed class PortalCopiesTests(PortalCopiesWorld world) : IClassFixture<PortalCopiesWorld>
{
    private static readonly CopyChoice Everything = new(PortalCopies.Everything, null, null, [], PortalCopies.Pdf);

    private TestDatabase Db => world.Database;

    [Fact]
    public async Task A_portal_request_reaches_the_roi_worklist_and_the_patient_downloads_the_released_packet_without_psychotherapy_notes()
    {
        await using var ada = await world.PatientAsync(world.AdaRecord);
        var note = await Db.ScalarAsync<Guid>($"SELECT id FROM clinical.clinical_notes WHERE patient_id = '{world.AdaRecord}' ORDER BY date, id LIMIT 1");
        await PacketSteps.LabelAsync(Db, world.AdaRecord, "DocumentReference", note, "PSYTHPN");

        var logged = (await RequestAsync(ada, Everything)).Single();
        var request = await Db.ScalarAsync<string>($"SELECT requester_type || '|' || delivery || '|' || identity_verification FROM roi.requests WHERE id = '{logged.Id}'");
        request.ShouldStartWith("patient|secure-download|Patient portal account");
        logged.ClockCitation.ShouldContain("164.524(b)(2)");
        (await MyCopiesAsync(ada)).Items.Single(c => c.Id == logged.Id).Status.ShouldBe("Received");

        // The ROI specialist sees it in the worklist as the patient's own request, and works it through to release.
        await using var specialist = await PacketSteps.AsAsync(Db);
        var worklist = await specialist.HandleAsync<ListRequestsHandler, Result<RequestWorklistPage>>(h =>
            h.HandleAsync(new ListRequestsQuery(RequesterType: RequesterTypes.Patient), CancellationToken.None));
        worklist.Value!.Rows.ShouldContain(r => r.Id == logged.Id && r.RequesterType == RequesterTypes.Patient);
        var moved = await specialist.HandleAsync<MoveRequestHandler, Result<uint>>(h =>
            h.HandleAsync(new MoveRequestCommand(logged.Id, RequestStatuses.Processing, null, VersionOf(logged.Id)), CancellationToken.None));
        moved.Error.ShouldBeNull();
        (await MyCopiesAsync(ada)).Items.Single(c => c.Id == logged.Id).Status.ShouldBe("In progress");
        var selected = await PacketSteps.SelectAsync(specialist, logged.Id);
        selected.ShouldNotBeNull();
        var built = await PacketSteps.BuildAsync(specialist, logged.Id);
        var packet = await PacketSteps.PacketAsync(Db, built.PacketId);
        PacketSteps.Manifest(packet).Items.ShouldNotContain(i => i.ResourceKey == note.ToString("D"));
        (await specialist.HandleAsync<CheckPacketHandler, Result<bool>>(h =>
            h.HandleAsync(new CheckPacketCommand(logged.Id, packet.Id, packet.Version), CancellationToken.None))).Error.ShouldBeNull();
        (await specialist.HandleAsync<CreateDownloadLinkHandler, Result<DownloadLinkCreated>>(h =>
            h.HandleAsync(new CreateDownloadLinkCommand(logged.Id, VersionOf(logged.Id), SendEmail: false), CancellationToken.None))).Error.ShouldBeNull();
        var mine = (await MyCopiesAsync(ada)).Items.Single(c => c.Id == logged.Id);
        mine.Status.ShouldBe("Ready to download");
        mine.DownloadUntil.ShouldNotBeNull();

        // In the portal, as the patient: the exact bytes built, streamed; a clean PDF that reads back.
        using var client = world.Portal.Browserless();
        await HimPortalFactory.SignInAsync(client, ada.Persona.Email, ada.Persona.Password);
        var response = await HimPortalFactory.PostFormAsync(client, "/Copies", "/Copies/Download", new() { ["id"] = logged.Id.ToString() });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        bytes.ShouldBe(await PacketSteps.BytesAsync(Db, packet.Id));
        await Qpdf.CheckAsync(bytes);
        using (var pdf = PdfDocument.Open(bytes))
        {
            pdf.NumberOfPages.ShouldBeGreaterThan(0);
            string.Concat(pdf.GetPages().Select(p => p.Text)).ShouldContain(logged.Display);
        }

        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE resource_id = '{logged.Id}' AND action = 'disclose' AND user_id = '{ada.Persona.Id}' AND details LIKE 'portal.copies.download%'"))
            .ShouldBe(1);
        (await Db.ScalarAsync<int>($"SELECT downloads FROM roi.download_links WHERE request_id = '{logged.Id}'")).ShouldBe(1);
    }

    [Fact]
    public async Task The_fee_is_shown_before_confirming_and_a_request_at_another_fee_is_refused()
    {
        await using var ada = await world.PatientAsync(world.AdaRecord);
        using var client = world.Portal.Browserless();
        await HimPortalFactory.SignInAsync(client, ada.Persona.Email, ada.Persona.Password);
        var before = await Db.ScalarAsync<long>($"SELECT count(*) FROM roi.requests WHERE patient_id = '{world.AdaRecord}'");
        var review = await HimPortalFactory.PostFormAsync(client, "/Copies/New", "/Copies/New?handler=Review", new()
        {
            ["What"] = PortalCopies.Some, ["Kinds"] = "results", ["Format"] = PortalCopies.Both,
        });
        var html = await review.Content.ReadAsStringAsync();
        html.ShouldContain("data-testid=\"fee-total\"");
        html.ShouldContain("$13.00");
        html.ShouldContain("data-testid=\"confirm-copy\"");
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM roi.requests WHERE patient_id = '{world.AdaRecord}'")).ShouldBe(before);

        var choice = new CopyChoice(PortalCopies.Some, null, null, ["results"], PortalCopies.Both);
        var quote = await ada.HandleAsync<QuoteCopyHandler, Result<CopyQuote>>(h => h.HandleAsync(new QuoteCopyQuery(world.AdaRecord, choice), CancellationToken.None));
        quote.Value!.TotalCents.ShouldBe(1300);
        var wrong = await ada.HandleAsync<RequestCopyHandler, Result<IReadOnlyList<LoggedRequest>>>(h =>
            h.HandleAsync(new RequestCopyCommand(world.AdaRecord, choice, 0), CancellationToken.None));
        wrong.Error!.Kind.ShouldBe(ErrorKind.Conflict);
        wrong.Error.Message.ShouldContain("$13.00");

        var confirm = await HimPortalFactory.PostFormAsync(client, "/Copies/New", "/Copies/New?handler=Confirm", new()
        {
            ["What"] = PortalCopies.Some, ["Kinds"] = "results", ["Format"] = PortalCopies.Both, ["FeeShownCents"] = "1300",
        });
        confirm.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        confirm.Headers.Location!.ToString().ShouldStartWith("/Copies?sent=ROI-");
        (await Db.ScalarAsync<string>($"""
            SELECT string_agg(format || ':' || array_to_string(scope_sections, ','), ' ' ORDER BY format) FROM roi.requests
            WHERE patient_id = '{world.AdaRecord}' AND created_at > now() - interval '1 minute' AND scope_kind = 'specific'
            """)).ShouldBe("fhir-json:lab-results,imaging,other-observations pdf:lab-results,imaging,other-observations");
        (await client.GetStringAsync(new Uri("/Copies", UriKind.Relative))).ShouldContain("Test results and imaging");
    }

    [Fact]
    public async Task A_copy_sent_to_a_third_party_is_a_patient_directed_electronic_request()
    {
        await using var ada = await world.PatientAsync(world.AdaRecord);
        var choice = Everything with { Format = PortalCopies.Fhir, RecipientName = "Dr. Jane Outside", RecipientEmail = "records@outside.example" };
        var logged = (await RequestAsync(ada, choice)).Single();
        (await Db.ScalarAsync<string>($"SELECT requester_type || '|' || requester_name || '|' || requester_email || '|' || format FROM roi.requests WHERE id = '{logged.Id}'"))
            .ShouldBe("patient-directed|Dr. Jane Outside|records@outside.example|fhir-json");
        var mine = (await MyCopiesAsync(ada)).Items.Single(c => c.Id == logged.Id);
        mine.Recipient.ShouldBe("Dr. Jane Outside");
        mine.DownloadUntil.ShouldBeNull();

        var noEmail = await ada.HandleAsync<QuoteCopyHandler, Result<CopyQuote>>(h =>
            h.HandleAsync(new QuoteCopyQuery(world.AdaRecord, choice with { RecipientEmail = "" }), CancellationToken.None));
        noEmail.Error!.Problems.ShouldContain(p => p.Message.Contains("e-mail", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_first_accounting_in_twelve_months_is_answered_at_once_and_a_later_one_waits_for_the_specialist()
    {
        await using var ada = await world.PatientAsync(world.AdaRecord);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var first = await ada.HandleAsync<RequestMyAccountingHandler, Result<MyAccountingRequested>>(h =>
            h.HandleAsync(new RequestMyAccountingCommand(world.AdaRecord, today.AddYears(-6).AddDays(2), today), CancellationToken.None));
        if (first.Value!.Ready)
        {
            var pdf = await ada.HandleAsync<GetMyAccountingHandler, Result<RoiFile>>(h => h.HandleAsync(new GetMyAccountingQuery(world.AdaRecord, first.Value.Id), CancellationToken.None));
            await Qpdf.CheckAsync(pdf.Value!.Content);
            using var document = PdfDocument.Open(pdf.Value.Content);
            string.Concat(document.GetPages().Select(p => p.Text)).ShouldContain("Accounting of disclosures");
        }

        var second = await ada.HandleAsync<RequestMyAccountingHandler, Result<MyAccountingRequested>>(h =>
            h.HandleAsync(new RequestMyAccountingCommand(world.AdaRecord, today.AddYears(-1), today), CancellationToken.None));
        second.Value!.Ready.ShouldBeFalse();
        var list = await ada.HandleAsync<ListMyAccountingsHandler, Result<MyAccountings>>(h => h.HandleAsync(new ListMyAccountingsQuery(world.AdaRecord), CancellationToken.None));
        list.Value!.Items.Single(i => i.Id == second.Value.Id).Ready.ShouldBeFalse();
        list.Value.Items.Single(i => i.Id == first.Value.Id).Ready.ShouldBeTrue();
        first.Value.Ready.ShouldBeTrue();

        await using var specialist = await PacketSteps.AsAsync(Db);
        var staff = await specialist.HandleAsync<GetAccountingHandler, Result<AccountingView>>(h => h.HandleAsync(new GetAccountingQuery(world.AdaRecord), CancellationToken.None));
        staff.Value!.Requests.ShouldContain(r => r.Id == second.Value.Id && r.Channel == "portal");

        // The page: the list and its download, as the patient.
        using var client = world.Portal.Browserless();
        await HimPortalFactory.SignInAsync(client, ada.Persona.Email, ada.Persona.Password);
        (await client.GetStringAsync(new Uri("/Accounting", UriKind.Relative))).ShouldContain("data-testid=\"download-accounting\"");
        var download = await client.GetAsync(new Uri($"/Accounting/Download?id={first.Value.Id}", UriKind.Relative));
        download.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
    }

    [Fact]
    public async Task Who_looked_lists_staff_accesses_in_plain_words_with_names_shown_or_only_roles()
    {
        await using var ben = await world.PatientAsync(world.BenRecord);
        var (_, doctor) = await world.StaffAsync(Roles.Physician, "Dr. A. Smith", "emergency department");
        await using (doctor)
        {
            await PortalCopiesWorld.AccessAsync(doctor, world.BenRecord, purpose: "ETREAT");
        }

        var (_, clerk) = await world.StaffAsync(Roles.HimClerk, "Carla Clerk", "health information");
        await using (clerk)
        {
            await PortalCopiesWorld.AccessAsync(clerk, world.BenRecord, purpose: "HOPERAT");
        }

        // The patient's own read and a system job are not "someone looking".
        await PortalCopiesWorld.AccessAsync(ben.Services, world.BenRecord, purpose: "PATRQT");

        var shown = await WhoLookedAsync(ben);
        shown.NamesShown.ShouldBeTrue();
        shown.Items.Count.ShouldBe(2);
        shown.Items[0].Sentence.ShouldStartWith("Carla Clerk, health information clerk, health information, opened your chart on ");
        shown.Items[1].Sentence.ShouldStartWith("Dr. A. Smith, physician, emergency department, opened your chart on ");
        shown.Items[1].Sentence.ShouldEndWith(", emergency access.");
        shown.Items[1].Emergency.ShouldBeTrue();

        await Db.ExecuteAsync("UPDATE portal.settings SET show_staff_names = false");
        try
        {
            var roles = await WhoLookedAsync(ben);
            roles.NamesShown.ShouldBeFalse();
            roles.Items[1].Name.ShouldBeNull();
            roles.Items[1].Sentence.ShouldStartWith("A physician in emergency department opened your chart on ");
            roles.Items.ShouldAllBe(i => !i.Sentence.Contains("Smith"));
        }
        finally
        {
            await Db.ExecuteAsync("UPDATE portal.settings SET show_staff_names = true");
        }

        using var client = world.Portal.Browserless();
        await HimPortalFactory.SignInAsync(client, ben.Persona.Email, ben.Persona.Password);
        (await client.GetStringAsync(new Uri("/Access", UriKind.Relative))).ShouldContain("Dr. A. Smith, physician");
    }

    [Fact]
    public async Task Flagging_an_access_opens_one_privacy_alert_that_compliance_sees_with_words()
    {
        await using var ben = await world.PatientAsync(world.BenRecord);
        var (_, doctor) = await world.StaffAsync(Roles.Physician, "Dr. Flagged", "cardiology");
        Guid eventId;
        await using (doctor)
        {
            eventId = await PortalCopiesWorld.AccessAsync(doctor, world.BenRecord);
        }

        var first = await ben.HandleAsync<FlagAccessHandler, Result<AccessFlagged>>(h =>
            h.HandleAsync(new FlagAccessCommand(world.BenRecord, eventId, "I was never in cardiology."), CancellationToken.None));
        first.Value!.AlreadyFlagged.ShouldBeFalse();
        var again = await ben.HandleAsync<FlagAccessHandler, Result<AccessFlagged>>(h =>
            h.HandleAsync(new FlagAccessCommand(world.BenRecord, eventId, null), CancellationToken.None));
        again.Value!.AlreadyFlagged.ShouldBeTrue();
        again.Value.AlertId.ShouldBe(first.Value.AlertId);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM compliance.alerts WHERE dedupe_key = 'patient-flag:{eventId}'")).ShouldBe(1);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM portal.access_flags WHERE audit_event_id = '{eventId}'")).ShouldBe(1);
        (await WhoLookedAsync(ben)).Items.Single(i => i.EventId == eventId).Flagged.ShouldBeTrue();

        var (_, officer) = await world.StaffAsync(Roles.ComplianceOfficer);
        await using (officer)
        {
            await using var scope = officer.CreateAsyncScope();
            var alerts = await scope.ServiceProvider.GetRequiredService<ListAlertsHandler>()
                .HandleAsync(new ListAlertsQuery(RuleCode: AccessFlag.AlertRuleCode), CancellationToken.None);
            alerts.Error.ShouldBeNull();
            alerts.Value!.Items.ShouldContain(a => a.Id == first.Value.AlertId && a.RuleTitle == "The patient does not recognise an access");
            var alert = await scope.ServiceProvider.GetRequiredService<GetAlertHandler>().HandleAsync(new GetAlertQuery(first.Value.AlertId), CancellationToken.None);
            alert.Value!.Facts.ShouldContain(f => f.Value == "I was never in cardiology.");
            alert.Value.Events.Single().Id.ShouldBe(eventId);
        }
    }

    [Fact]
    public async Task Another_persons_ids_reach_nothing_on_any_page_or_download_and_every_attempt_is_audited()
    {
        await using var ada = await world.PatientAsync(world.AdaRecord);
        await using var ben = await world.PatientAsync(world.BenRecord);
        var adaCopy = (await RequestAsync(ada, Everything)).Single();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var adaAccounting = await ada.HandleAsync<RequestMyAccountingHandler, Result<MyAccountingRequested>>(h =>
            h.HandleAsync(new RequestMyAccountingCommand(world.AdaRecord, today.AddYears(-1), today), CancellationToken.None));
        var (_, doctor) = await world.StaffAsync(Roles.Physician);
        Guid adaEvent;
        await using (doctor)
        {
            adaEvent = await PortalCopiesWorld.AccessAsync(doctor, world.AdaRecord);
        }

        var before = await world.DeniedAsync(ben.Persona.Id);
        var a = world.AdaRecord;
        var b = world.BenRecord;
        var ct = CancellationToken.None;
        // Ada's record id in Ben's hands.
        (await ben.HandleAsync<QuoteCopyHandler, Result<CopyQuote>>(h => h.HandleAsync(new QuoteCopyQuery(a, Everything), ct))).Error!.Kind.ShouldBe(ErrorKind.NotFound);
        (await ben.HandleAsync<RequestCopyHandler, Result<IReadOnlyList<LoggedRequest>>>(h => h.HandleAsync(new RequestCopyCommand(a, Everything, 650), ct))).Error!.Kind.ShouldBe(ErrorKind.NotFound);
        (await ben.HandleAsync<ListMyCopiesHandler, Result<MyCopies>>(h => h.HandleAsync(new ListMyCopiesQuery(a), ct))).Error!.Kind.ShouldBe(ErrorKind.NotFound);
        (await ben.HandleAsync<DownloadMyCopyHandler, Result<PacketStream>>(h => h.HandleAsync(new DownloadMyCopyCommand(a, adaCopy.Id), ct))).Error!.Kind.ShouldBe(ErrorKind.NotFound);
        (await ben.HandleAsync<RequestMyAccountingHandler, Result<MyAccountingRequested>>(h => h.HandleAsync(new RequestMyAccountingCommand(a, today.AddDays(-5), today), ct))).Error!.Kind.ShouldBe(ErrorKind.NotFound);
        (await ben.HandleAsync<ListMyAccountingsHandler, Result<MyAccountings>>(h => h.HandleAsync(new ListMyAccountingsQuery(a), ct))).Error!.Kind.ShouldBe(ErrorKind.NotFound);
        (await ben.HandleAsync<GetMyAccountingHandler, Result<RoiFile>>(h => h.HandleAsync(new GetMyAccountingQuery(a, adaAccounting.Value!.Id), ct))).Error!.Kind.ShouldBe(ErrorKind.NotFound);
        (await ben.HandleAsync<ListWhoLookedHandler, Result<AccessEntries>>(h => h.HandleAsync(new ListWhoLookedQuery(a), ct))).Error!.Kind.ShouldBe(ErrorKind.NotFound);
        (await ben.HandleAsync<FlagAccessHandler, Result<AccessFlagged>>(h => h.HandleAsync(new FlagAccessCommand(a, adaEvent, null), ct))).Error!.Kind.ShouldBe(ErrorKind.NotFound);
        // Ada's request, accounting and audit row under Ben's own record.
        (await ben.HandleAsync<DownloadMyCopyHandler, Result<PacketStream>>(h => h.HandleAsync(new DownloadMyCopyCommand(b, adaCopy.Id), ct))).Error!.Kind.ShouldBe(ErrorKind.NotFound);
        (await ben.HandleAsync<GetMyAccountingHandler, Result<RoiFile>>(h => h.HandleAsync(new GetMyAccountingQuery(b, adaAccounting.Value!.Id), ct))).Error!.Kind.ShouldBe(ErrorKind.NotFound);
        (await ben.HandleAsync<FlagAccessHandler, Result<AccessFlagged>>(h => h.HandleAsync(new FlagAccessCommand(b, adaEvent, null), ct))).Error!.Kind.ShouldBe(ErrorKind.NotFound);
        (await world.DeniedAsync(ben.Persona.Id)).ShouldBe(before + 12);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM compliance.alerts WHERE dedupe_key = 'patient-flag:{adaEvent}'")).ShouldBe(0);

        // The pages: Ben's session names only Ben's record; Ada's ids in his requests are not found, and audited.
        using var client = world.Portal.Browserless();
        await HimPortalFactory.SignInAsync(client, ben.Persona.Email, ben.Persona.Password);
        (await HimPortalFactory.PostFormAsync(client, "/Copies/New", "/Copies/Download", new() { ["id"] = adaCopy.Id.ToString() })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await client.GetAsync(new Uri($"/Accounting/Download?id={adaAccounting.Value!.Id}", UriKind.Relative))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await HimPortalFactory.PostFormAsync(client, "/Access", "/Access?handler=Flag", new() { ["eventId"] = adaEvent.ToString() })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        foreach (var page in new[] { "/Copies", "/Accounting", "/Access" })
        {
            var html = await client.GetStringAsync(new Uri(page, UriKind.Relative));
            html.ShouldNotContain(adaCopy.Display);
            html.ShouldNotContain(adaEvent.ToString());
        }

        (await world.DeniedAsync(ben.Persona.Id)).ShouldBe(before + 15);
    }

    private static Task<IReadOnlyList<LoggedRequest>> RequestAsync(PortalPatient who, CopyChoice choice) => PortalCopiesWorld.RequestCopyAsync(who, choice);

    private static async Task<MyCopies> MyCopiesAsync(PortalPatient who) =>
        (await who.HandleAsync<ListMyCopiesHandler, Result<MyCopies>>(h => h.HandleAsync(new ListMyCopiesQuery(who.PatientId), CancellationToken.None))).Value!;

    private static async Task<AccessEntries> WhoLookedAsync(PortalPatient who) =>
        (await who.HandleAsync<ListWhoLookedHandler, Result<AccessEntries>>(h => h.HandleAsync(new ListWhoLookedQuery(who.PatientId), CancellationToken.None))).Value!;

    private uint VersionOf(Guid request) =>
        (uint)Db.ScalarAsync<long>($"SELECT xmin::text::bigint FROM roi.requests WHERE id = '{request}'").GetAwaiter().GetResult();
}
