using System.Net;
using System.Text;
using HimPortal.Application.Completion.Amendments.AcceptAmendment;
using HimPortal.Application.Common;
using HimPortal.Application.Portal.Amendments.FileDisagreement;
using HimPortal.Application.Portal.Amendments.IncludeDenial;
using HimPortal.Application.Portal.Amendments.ListMyAmendments;
using HimPortal.Application.Portal.Amendments.RequestAmendment;
using HimPortal.Application.Roi.Packets;
using HimPortal.Data;
using HimPortal.Data.Roi;
using HimPortal.Application.Completion.Amendments.SendAmendmentNotices;
using HimPortal.Tests.Documents;
using HimPortal.Tests.Infrastructure;
using HimPortal.Tests.Roi.Packets;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;
using static HimPortal.Tests.Completion.Amendments.AmendmentWorld;
using Task = System.Threading.Tasks.Task;

namespace HimPortal.Tests.Completion.Amendments;

/// <summary>
/// Where a request to amend shows after its answer (45 CFR 164.526(c)(1), (d)(4)-(5)): with the item in built PDF and FHIR
/// packets, beside the item in the staff chart, and the patient's (d)(5)(ii) request recorded from the portal.
/// </summary>
public sealed class AmendmentRecordTests(AmendmentDatabase fixture) : IClassFixture<AmendmentDatabase>
{
    private TestDatabase Db => fixture.Database;

    private static readonly CancellationToken None = CancellationToken.None;

    private static string Text(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join(" ", document.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
    }

    /// <summary>The patient asks about an item, HIM routes it to the stay's physician, who opens it: the version to answer at.</summary>
    private async Task<(AmendmentRequested Asked, uint Version)> AskAndRouteAsync(AmendmentCase c, string type, Guid id)
    {
        var asked = (await AsAsync(Db, c.Patient, sp => sp.GetRequiredService<RequestAmendmentHandler>().HandleAsync(
            new RequestAmendmentCommand(c.Stay.PatientId, type, id, "The value is wrong: it was taken after I ran up the stairs.", "It was repeated an hour later and was normal.", []), None)));
        asked.Error.ShouldBeNull();
        return (asked.Value!, await RouteAsync(Db, c, asked.Value!.Id));
    }

    private async Task<uint> MyVersionAsync(AmendmentCase c, Guid id) =>
        (await AsAsync(Db, c.Patient, sp => sp.GetRequiredService<ListMyAmendmentsHandler>().HandleAsync(new ListMyAmendmentsQuery(c.Stay.PatientId), None)))
        .Value!.Rows.Single(r => r.Id == id).Version;

    /// <summary>An observation of the patient's recorded in an encounter (what an encounter of a packet releases).</summary>
    private Task<Guid> ObservationAsync(Guid patientId, int skip) =>
        Db.ScalarAsync<Guid>($"SELECT id FROM clinical.observations WHERE patient_id = '{patientId}' AND encounter_id IS NOT NULL ORDER BY id OFFSET {skip} LIMIT 1");

    private async Task<string> ExportAsync(AmendmentCase c, string format, TempFolder folder)
    {
        var file = Path.Combine(folder.Path, "record." + (format == "fhir" ? "json" : "pdf"));
        var mrn = await Db.ScalarAsync<string>($"SELECT mrn FROM clinical.patients WHERE id = '{c.Stay.PatientId}'");
        var run = await CliRunner.RunAsync(Db, null, "export", "--patient", mrn, "--format", format, "--out", file);
        run.ExitCode.ShouldBe(0, run.Error);
        return file;
    }

    /// <summary>A FHIR packet of the given items only, as the build job writes it.</summary>
    private async Task<Bundle> PacketOfAsync(Guid patientId, params ChosenItem[] items)
    {
        await using var services = Db.Services();
        await using var scope = services.CreateAsyncScope();
        using var output = new MemoryStream();
        await FhirPacket.WriteAsync(scope.ServiceProvider.GetRequiredService<HimDbContext>(), patientId, items, (_, _) => false, output, None);
        return new FhirJsonDeserializer().Deserialize<Bundle>(Encoding.UTF8.GetString(output.ToArray()));
    }

    private static IEnumerable<DocumentReference> RecordsOf(Bundle bundle, string display) =>
        bundle.Entry.Select(e => e.Resource).OfType<DocumentReference>().Where(d => d.Identifier.Any(i => i.Value == display));

    private static async Task<string> FullUrlOfAsync<T>(Bundle bundle, Guid id, TestDatabase db, string table)
        where T : Resource
    {
        var fhirId = await db.ScalarAsync<string>($"SELECT fhir_id FROM clinical.{table} WHERE id = '{id}'");
        return bundle.Entry.Single(e => e.Resource is T && e.Resource.Id == fhirId).FullUrl!;
    }

    [Fact]
    public async Task A_disputed_result_goes_with_a_FHIR_packet_linked_to_it_valid_R4_and_a_packet_of_another_item_carries_none()
    {
        var c = await CaseAsync(Db);
        var observation = await ObservationAsync(c.Stay.PatientId, 0);
        var (asked, version) = await AskAndRouteAsync(c, "Observation", observation);
        await DenyAsync(Db, c, asked.Id, version);
        var filed = await AsAsync(Db, c.Patient, async sp => await sp.GetRequiredService<FileDisagreementHandler>().HandleAsync(
            new FileDisagreementCommand(c.Stay.PatientId, asked.Id, "The nurse wrote it down before I had caught my breath.", await MyVersionAsync(c, asked.Id)), None));
        filed.Error.ShouldBeNull();

        // The whole record as FHIR (`himportal export`, FhirPacket as the build job uses it): the item, its record, the link.
        using var folder = new TempFolder();
        var json = await File.ReadAllTextAsync(await ExportAsync(c, "fhir", folder));
        var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(json);
        var record = RecordsOf(bundle, asked.Display).ShouldHaveSingleItem("the disputed item's amendment record is in the bundle");
        var itemUrl = await FullUrlOfAsync<Observation>(bundle, observation, Db, "observations");
        record.Context!.Related.Select(r => r.Reference).ShouldBe([itemUrl]);
        record.RelatesTo.ShouldBeEmpty("relatesTo links documents only; the item is an Observation");
        record.Type!.Coding.ShouldContain(x => x.System == "http://loinc.org" && x.Code == "55107-7");
        var text = Encoding.UTF8.GetString(record.Content.Single().Attachment.Data!);
        text.ShouldContain("caught my breath");
        text.ShouldContain("measured and recorded correctly");
        text.ShouldContain("ran up the stairs");
        var validator = ExportTests.UsCoreValidator(folder.Path);
        var outcome = validator.Validate(record, "http://hl7.org/fhir/us/core/StructureDefinition/us-core-documentreference");
        outcome.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Select(i => $"{i.Details?.Text} @ {string.Join(",", i.Expression ?? [])}").ShouldBeEmpty();

        // A packet of another item (the stay's note) carries none of it.
        var other = await PacketOfAsync(c.Stay.PatientId, new ChosenItem(PacketItemTypes.Note, c.Stay.NoteId.ToString("D"), "Note", null, [], []));
        RecordsOf(other, asked.Display).ShouldBeEmpty();
        other.Entry.ShouldNotContain(e => e.Resource is Observation);

        // The PDF of the record carries the same page (what was there for notes, now for an entry of an encounter).
        var pdf = await File.ReadAllBytesAsync(await ExportAsync(c, "pdf", folder));
        await Qpdf.CheckAsync(pdf);
        Text(pdf).ShouldContain("caught my breath");

        // The staff chart marks the result as disputed.
        await using var web = new HimPortalFactory(Db);
        var chart = await ChartAsync(web, c);
        chart.ShouldContain("data-testid=\"disputed-item-mark\"");
        chart.ShouldContain($"Disputed ({asked.Display}): statement of disagreement on file");
    }

    private static async Task<string> ChartAsync(HimPortalFactory web, AmendmentCase c)
    {
        using var client = web.Browserless();
        (await HimPortalFactory.SignInAsync(client, c.Stay.Physician.Email, c.Stay.Physician.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return await client.GetStringAsync(new Uri($"/Charts/Chart/{c.Stay.PatientId}", UriKind.Relative));
    }

    [Fact]
    public async Task An_accepted_amendment_to_a_result_is_marked_in_the_staff_chart_and_goes_with_the_item_in_FHIR_and_PDF()
    {
        var c = await CaseAsync(Db);
        var observation = await ObservationAsync(c.Stay.PatientId, 1);
        var (asked, version) = await AskAndRouteAsync(c, "Observation", observation);
        var accepted = await AsAsync(Db, c.Stay.Physician, sp => sp.GetRequiredService<AcceptAmendmentHandler>()
            .HandleAsync(new AcceptAmendmentCommand(asked.Id, "The repeat measurement an hour later was normal; this one was taken after exertion.", version), None));
        accepted.Error.ShouldBeNull();
        var documentId = accepted.Value!.DocumentId;

        await using var web = new HimPortalFactory(Db);
        var chart = await ChartAsync(web, c);
        chart.ShouldContain("data-testid=\"amended-item-mark\"");
        chart.ShouldContain($"Amended {asked.Display}, see ");
        chart.ShouldContain($"href=\"/Charts/Note/{c.Stay.PatientId:D}/{documentId:D}\"");

        // A packet of the observation's encounter alone carries the appended amendment, linked to the observation.
        var encounter = await Db.ScalarAsync<Guid>($"SELECT encounter_id FROM clinical.observations WHERE id = '{observation}'");
        var bundle = await PacketOfAsync(c.Stay.PatientId, new ChosenItem(PacketItemTypes.Encounter, encounter.ToString("D"), "Visit", null, [], []));
        var noteFhirId = await Db.ScalarAsync<string>($"SELECT fhir_id FROM clinical.clinical_notes WHERE id = '{documentId}'");
        var amendment = bundle.Entry.Select(e => e.Resource).OfType<DocumentReference>().Single(d => d.Id == noteFhirId);
        Encoding.UTF8.GetString(amendment.Content.Single().Attachment.Data!).ShouldContain("taken after exertion");
        var other = await PacketOfAsync(c.Stay.PatientId, new ChosenItem(PacketItemTypes.Note, c.Stay.NoteId.ToString("D"), "Note", null, [], []));
        other.Entry.ShouldNotContain(e => e.Resource is DocumentReference && e.Resource.Id == noteFhirId);

        // The PDF of the encounter alone: the amendment goes with it as an entry of its own (the release does not hold it otherwise).
        await using (var services = Db.Services())
        {
            await using var scope = services.CreateAsyncScope();
            var entries = await PacketAssembly.AmendmentRecordsAsync(scope.ServiceProvider.GetRequiredService<HimDbContext>(),
                scope.ServiceProvider.GetRequiredService<PacketContent>(), [new ChosenItem(PacketItemTypes.Encounter, encounter.ToString("D"), "Visit", null, [], [])],
                (_, _) => false, None);
            var entry = entries.ShouldHaveSingleItem();
            entry.ResourceKey.ShouldBe(documentId.ToString("D"));
            entry.Content.Lines.ShouldContain(l => l.Contains("taken after exertion", StringComparison.Ordinal));
        }

        // The PDF of the record has the amendment once (it is a note of the record: the export holds it already).
        using var folder = new TempFolder();
        var pdf = await File.ReadAllBytesAsync(await ExportAsync(c, "pdf", folder));
        await Qpdf.CheckAsync(pdf);
        Text(pdf).ShouldContain("taken after exertion");
    }

    [Fact]
    public async Task The_patient_asks_that_the_request_and_the_denial_go_with_disclosures_and_built_packets_carry_them()
    {
        var c = await CaseAsync(Db);
        var asked = await AskAsync(Db, c);
        await DenyAsync(Db, c, asked.Id, await RouteAsync(Db, c, asked.Id));

        // Another patient's account: not found, audited, nothing recorded.
        await using var services = Db.Services();
        var cortes = await ClinicalData.PatientIdAsync(Db, ClinicalData.Cortes);
        var stranger = await PatientAccountAsync(Db, services, cortes);
        var version = await MyVersionAsync(c, asked.Id);
        (await AsAsync(Db, stranger, sp => sp.GetRequiredService<IncludeDenialHandler>().HandleAsync(new IncludeDenialCommand(cortes, asked.Id, version), None)))
            .Error!.Kind.ShouldBe(ErrorKind.NotFound);
        (await AsAsync(Db, stranger, sp => sp.GetRequiredService<IncludeDenialHandler>().HandleAsync(new IncludeDenialCommand(c.Stay.PatientId, asked.Id, version), None)))
            .Error!.Kind.ShouldBe(ErrorKind.NotFound);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE user_id = '{stranger.Id}' AND outcome = 'denied' AND details LIKE 'portal.amendment-include-denial%'"))
            .ShouldBeGreaterThanOrEqualTo(2);

        var included = await AsAsync(Db, c.Patient, sp => sp.GetRequiredService<IncludeDenialHandler>().HandleAsync(new IncludeDenialCommand(c.Stay.PatientId, asked.Id, version), None));
        included.Error.ShouldBeNull();
        var twice = await AsAsync(Db, c.Patient, sp => sp.GetRequiredService<IncludeDenialHandler>().HandleAsync(new IncludeDenialCommand(c.Stay.PatientId, asked.Id, included.Value), None));
        twice.Error!.Kind.ShouldBe(ErrorKind.Conflict);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM portal.amendment_events WHERE amendment_id = '{asked.Id}' AND kind = 'include-denial'")).ShouldBe(1);
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE resource_id = '{asked.Id}' AND outcome = 'success' AND details LIKE 'portal.amendment-include-denial%'"))
            .ShouldBe(1);
        var mine = (await AsAsync(Db, c.Patient, sp => sp.GetRequiredService<ListMyAmendmentsHandler>().HandleAsync(new ListMyAmendmentsQuery(c.Stay.PatientId), None)))
            .Value!.Rows.Single(r => r.Id == asked.Id);
        mine.IncludeWithDisclosuresAt.ShouldNotBeNull();
        mine.MayInclude.ShouldBeFalse();
        mine.MayDisagree.ShouldBeTrue("a statement may still be filed; it supersedes the request");

        // Built packets carry the request and the denial with the note: PDF and FHIR (relatesTo appends, the item a document).
        using var folder = new TempFolder();
        var pdf = await File.ReadAllBytesAsync(await ExportAsync(c, "pdf", folder));
        await Qpdf.CheckAsync(pdf);
        var text = Text(pdf);
        text.ShouldContain($"request to amend {asked.Display} and its denial");
        text.ShouldContain("164.526(d)(5)(ii)");
        text.ShouldContain("it was my gallbladder");
        var bundle = new FhirJsonDeserializer().Deserialize<Bundle>(await File.ReadAllTextAsync(await ExportAsync(c, "fhir", folder)));
        var record = RecordsOf(bundle, asked.Display).ShouldHaveSingleItem();
        var noteUrl = await FullUrlOfAsync<DocumentReference>(bundle, c.Stay.NoteId, Db, "clinical_notes");
        record.RelatesTo.Single().Target.Reference.ShouldBe(noteUrl);
        record.Context!.Related.Single().Reference.ShouldBe(noteUrl);
        Encoding.UTF8.GetString(record.Content.Single().Attachment.Data!).ShouldContain("164.526(d)(5)(ii)");
    }

    /// <summary>A release of the stay's note to a third party (a patient-directed copy), recorded as a disclosure: a known holder of the note.</summary>
    private async Task KnownHolderAsync(AmendmentCase c, string name, string address)
    {
        await using var services = Db.Services();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HimDbContext>();
        var now = DateTimeOffset.UtcNow.AddDays(-2);
        var release = new ReleaseRequest
        {
            Id = Guid.CreateVersion7(), PatientId = c.Stay.PatientId, RequesterType = RequesterTypes.PatientDirected, RequesterName = name,
            ScopeKind = ScopeKinds.DesignatedRecordSet, Format = ReleaseFormats.Pdf, Delivery = DeliveryMethods.Mail, Status = RequestStatuses.Received,
            StateCode = "MA", ReceivedAt = now, CreatedAt = now,
        };
        db.ReleaseRequests.Add(release);
        db.PacketItems.Add(new PacketItem { RequestId = release.Id, ResourceType = PacketItemTypes.Note, ResourceKey = c.Stay.NoteId.ToString("D"), Title = "Operative note", Included = true });
        db.Disclosures.Add(new Disclosure
        {
            Id = Guid.CreateVersion7(), PatientId = c.Stay.PatientId, DisclosedAt = now, RecipientName = name, RecipientAddress = address,
            Description = "Operative note", Purpose = "continuing care", LegalBasis = "45 CFR 164.524(c)(3)(ii)", Source = DisclosureSources.Release,
            RequestId = release.Id, RecordedAt = now,
        });
        await db.SaveChangesAsync(None);
    }

    [Fact]
    public async Task A_known_holder_gets_the_amendment_by_real_SMTP_and_HIM_downloads_and_marks_the_postal_letter_from_the_request_page()
    {
        var c = await CaseAsync(Db);
        await KnownHolderAsync(c, "Riverside Orthopedics", "records@riverside-ortho.example");
        var asked = await AskAsync(Db, c, new NamedRecipient("Dr. Postal Family", "12 Elm Street\nSpringfield, MA 01101"));
        var version = await RouteAsync(Db, c, asked.Id);
        var accepted = await AsAsync(Db, c.Stay.Physician, sp => sp.GetRequiredService<AcceptAmendmentHandler>()
            .HandleAsync(new AcceptAmendmentCommand(asked.Id, "The gallbladder was removed (cholecystectomy), not the appendix.", version), None));
        accepted.Error.ShouldBeNull();
        accepted.Value!.Recipients.ShouldBe(2);

        // The notices job's work: the known holder (164.526(c)(3)(ii)) by e-mail through a real SMTP server, the named person by letter.
        await using var mail = new MailServer();
        var sent = await AsAsync(Db, c.Stay.Physician, sp => sp.GetRequiredService<SendAmendmentNoticesHandler>()
            .HandleAsync(new SendAmendmentNoticesCommand(asked.Id), None), mail.Settings());
        sent.Value.ShouldBe(new AmendmentNoticesSent(1, 1));
        var message = await mail.WaitForAsync("records@riverside-ortho.example");
        (message.TextBody ?? "").ShouldContain("cholecystectomy");
        (message.TextBody ?? "").ShouldContain(asked.Display);

        // HIM's request page: each recipient with how and when; the letter downloads as a clean PDF naming the amendment, audited as a print.
        await using var web = new HimPortalFactory(Db);
        using var client = web.Browserless();
        (await HimPortalFactory.SignInAsync(client, c.Clerk.Email, c.Clerk.Password)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var page = $"/Completion/Amendments/Request?id={asked.Id}";
        var html = await client.GetStringAsync(new Uri(page, UriKind.Relative));
        html.ShouldContain("by e-mail");
        html.ShouldContain("by letter");
        var recipient = await Db.ScalarAsync<Guid>($"SELECT id FROM portal.amendment_recipients WHERE amendment_id = '{asked.Id}' AND sent_how = 'letter'");
        html.ShouldContain($"data-recipient=\"{recipient}\"");
        var download = await client.GetAsync(new Uri($"/Completion/Amendments/Request?handler=Letter&id={asked.Id}&recipientId={recipient}", UriKind.Relative));
        download.StatusCode.ShouldBe(HttpStatusCode.OK);
        download.Content.Headers.ContentType!.MediaType.ShouldBe("application/pdf");
        var pdf = await download.Content.ReadAsByteArrayAsync();
        await Qpdf.CheckAsync(pdf);
        var text = Text(pdf);
        text.ShouldContain(asked.Display);
        text.ShouldContain("cholecystectomy");
        text.ShouldContain("Dr. Postal Family");
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM audit.access_events WHERE resource_id = '{asked.Id}' AND action = 'print' AND details LIKE 'completion.amendment-letter-print%'"))
            .ShouldBe(1);
        var emailed = await Db.ScalarAsync<Guid>($"SELECT id FROM portal.amendment_recipients WHERE amendment_id = '{asked.Id}' AND sent_how = 'e-mail'");
        (await client.GetAsync(new Uri($"/Completion/Amendments/Request?handler=Letter&id={asked.Id}&recipientId={emailed}", UriKind.Relative)))
            .StatusCode.ShouldBe(HttpStatusCode.NotFound);

        version = (uint)await Db.ScalarAsync<long>($"SELECT xmin::text::bigint FROM portal.amendments WHERE id = '{asked.Id}'");
        var marked = await HimPortalFactory.PostFormAsync(client, page, $"/Completion/Amendments/Request?handler=Mailed", new()
        {
            ["id"] = asked.Id.ToString(), ["recipientId"] = recipient.ToString(), ["version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        marked.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await client.GetStringAsync(new Uri(page, UriKind.Relative))).ShouldContain("data-testid=\"amendment-letter-mailed\"");
        (await Db.ScalarAsync<long>($"SELECT count(*) FROM portal.amendment_events WHERE amendment_id = '{asked.Id}' AND kind = 'mailed'")).ShouldBe(1);
    }
}
